// The one error shape that crosses every boundary (IPC, WebSocket, engine messages), so the
// renderer can show the service's own message and, for bad input, the field that was wrong.
import type { IssueRule } from './issue-words'

export type ApiErrorCode =
  | 'invalid_input'
  | 'unknown_method'
  | 'not_found'
  | 'conflict'
  | 'engine_crashed'
  | 'engine_error'
  | 'cancelled'
  | 'forbidden'
  /** studio.db cannot be read as a database; the message names the file and how to restore a backup. */
  | 'database_damaged'
  | 'internal'

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `config.lora.r`; empty for the payload itself. */
  path: string
  /** In words, in English: "Temperature must be 0 or more". */
  message: string
  /** What was wrong, for logs, tests and the renderer's own language; absent when only the message says. */
  rule?: IssueRule
}

export interface ApiErrorPayload {
  code: ApiErrorCode
  message: string
  issues?: FieldIssue[]
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorPayload }

/** Thrown on the calling side when a call comes back with `ok: false`. */
export class ApiCallError extends Error {
  readonly code: ApiErrorCode
  readonly issues: FieldIssue[]
  constructor(payload: ApiErrorPayload) {
    super(payload.message)
    this.name = 'ApiCallError'
    this.code = payload.code
    this.issues = payload.issues ?? []
  }
}

/** Thrown by services for failures the user can act on; the router forwards code and message. */
export class ServiceError extends Error {
  readonly code: ApiErrorCode
  readonly issues: FieldIssue[]
  constructor(code: ApiErrorCode, message: string, issues: FieldIssue[] = []) {
    super(message)
    this.name = 'ServiceError'
    this.code = code
    this.issues = issues
  }
}

export function toErrorPayload(err: unknown): ApiErrorPayload {
  if (err instanceof ServiceError || err instanceof ApiCallError) {
    return { code: err.code, message: err.message, issues: err.issues.length ? err.issues : undefined }
  }
  if (err instanceof Error) return { code: 'internal', message: err.message }
  return { code: 'internal', message: String(err) }
}
