// Validates and dispatches one API call: the single path every IPC and WebSocket request takes,
// so an invalid payload is refused the same way (with the offending field) wherever it came from.
import type { z } from 'zod'
import { inputSchemaOf, splitChannel, type ApiHandlers, type ChannelName } from '../shared/contract'
import { toErrorPayload, type ApiResult, type FieldIssue } from '../shared/errors'

export function zodIssues(error: z.ZodError): FieldIssue[] {
  return flattenIssues(error.issues, [])
}

function flattenIssues(issues: readonly z.core.$ZodIssue[], prefix: string[]): FieldIssue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path.map(String)]
    // An unknown field is reported at its own path, so the caller sees which field to drop.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...path, key].join('.'),
        message: 'Unknown field; remove it'
      }))
    }
    // For a union, the closest alternative (fewest problems) says best what to fix.
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best))
      if (closest.length > 0) return flattenIssues(closest, path)
    }
    return [{ path: path.join('.'), message: issue.message }]
  })
}

function describe(issues: FieldIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')
}

export interface ApiRouter {
  call(channel: string, payload: unknown): Promise<ApiResult<unknown>>
}

export function createApiRouter(handlers: ApiHandlers): ApiRouter {
  return {
    async call(channel, payload) {
      const parts = splitChannel(channel)
      if (!parts) {
        return { ok: false, error: { code: 'unknown_method', message: `Unknown API method "${channel}".` } }
      }
      const parsed = inputSchemaOf(channel as ChannelName).safeParse(payload ?? {})
      if (!parsed.success) {
        const issues = zodIssues(parsed.error)
        return {
          ok: false,
          error: {
            code: 'invalid_input',
            message: `Invalid input for ${channel}: ${describe(issues)}`,
            issues
          }
        }
      }
      const domain = handlers[parts.domain] as Record<string, (input: unknown) => Promise<unknown>>
      try {
        return { ok: true, value: await domain[parts.method](parsed.data) }
      } catch (err) {
        return { ok: false, error: toErrorPayload(err) }
      }
    }
  }
}
