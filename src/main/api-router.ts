// Validates and dispatches one API call: the single path every IPC and WebSocket request takes,
// so an invalid payload is refused the same way (with the offending field) wherever it came from.
import { inputSchemaOf, splitChannel, type ApiHandlers, type ChannelName } from '../shared/contract'
import { toErrorPayload, type ApiResult } from '../shared/errors'
import { issuesMessage, wordsParse, zodIssues } from '../shared/issue-words'

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
      const parsed = inputSchemaOf(channel as ChannelName).safeParse(payload ?? {}, wordsParse)
      if (!parsed.success) {
        const issues = zodIssues(parsed.error)
        return {
          ok: false,
          error: {
            code: 'invalid_input',
            message: issuesMessage(issues),
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
