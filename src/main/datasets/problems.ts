// One way to name where a problem is ("notes.jsonl line 17") and to build the problem itself, so every
// message the user sees has the same shape: location, colon, what is wrong.
import type { DatasetProblem, ProblemCode, ProblemSeverity, SourceLocation } from '../../shared/datasets'

export function describeLocation(loc: SourceLocation): string {
  if (loc.line !== undefined) return `${loc.file} line ${loc.line}`
  if (loc.row !== undefined) return `${loc.file} row ${loc.row}`
  if (loc.item !== undefined) return `${loc.file} item ${loc.item}`
  return loc.file
}

export function makeProblem(
  loc: SourceLocation,
  code: ProblemCode,
  what: string,
  options: { field?: string; severity?: ProblemSeverity; count?: number } = {}
): DatasetProblem {
  return {
    ...loc,
    severity: options.severity ?? 'error',
    code,
    field: options.field,
    count: options.count,
    message: `${describeLocation(loc)}: ${what}`
  }
}

/** A problem that makes a whole file unusable: the file is reported and skipped (record-stream.ts). */
export class FatalSourceError extends Error {
  readonly problem: DatasetProblem
  constructor(problem: DatasetProblem) {
    super(problem.message)
    this.name = 'FatalSourceError'
    this.problem = problem
  }
}

export function invalidUtf8Problem(loc: SourceLocation, bytes: number): DatasetProblem {
  return makeProblem(
    loc,
    'invalid_utf8',
    `${bytes} byte(s) are not valid UTF-8 and were replaced with "\uFFFD"; re-save the file as UTF-8`,
    { severity: 'warning', count: bytes }
  )
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${bytes} bytes`
}
