// How a bench child process (one case, so its peak memory is its own) hands back its outcome: over
// IPC to the parent CLI, or to stdout/stderr as JSON when the file is run by hand.
export type ChildMessage<T> = { ok: true; result: T } | { ok: false; error: string }

function finish<T>(message: ChildMessage<T>): void {
  const code = message.ok ? 0 : 1
  if (process.send) {
    process.send(message, () => process.exit(code))
    return
  }
  if (message.ok) process.stdout.write(`${JSON.stringify(message.result)}\n`)
  else process.stderr.write(`${message.error}\n`)
  process.exit(code)
}

/** Sends the work's result (or its error with the stack) and exits 0 or 1. */
export function reportOutcome<T>(work: Promise<T>): void {
  work.then(
    (result) => finish({ ok: true, result }),
    (err: unknown) =>
      finish<T>({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
  )
}
