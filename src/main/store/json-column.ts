// Reading and writing the *_json columns: one place that says which column held bad JSON, so a
// damaged row is reported by table, id and column instead of a bare SyntaxError.
export function toJson(value: unknown): string {
  return JSON.stringify(value)
}

export function fromJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err)
    throw new Error(
      `The database holds invalid JSON in ${where} (${why}); the row may have been edited by hand`
    )
  }
}

export function fromJsonOrNull(text: string | null, where: string): unknown {
  return text === null ? null : fromJson(text, where)
}
