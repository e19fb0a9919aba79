// Builds an object of the `Api` shape from a single call function, so the preload bridge, the
// browser-mode socket client and any other caller expose one function per channel the same way.
import { contract, type Api, type ApiEvents, type ChannelName, type Domain, type EventName } from './contract'
import { ApiCallError, type ApiErrorPayload, type ApiResult } from './errors'

export type CallChannel = (channel: ChannelName, payload: unknown) => Promise<unknown>
export type Subscribe = <E extends EventName>(event: E, listener: (data: ApiEvents[E]) => void) => () => void

export function buildApi(call: CallChannel, subscribe: Subscribe): Api {
  const api: Record<string, unknown> = {}
  for (const domain of Object.keys(contract) as Domain[]) {
    const methods: Record<string, (input: unknown) => Promise<unknown>> = {}
    for (const name of Object.keys(contract[domain])) {
      const channel = `${domain}.${name}` as ChannelName
      methods[name] = (input: unknown) => call(channel, input ?? {})
    }
    api[domain] = methods
  }
  api.on = subscribe
  return api as Api
}

/** The value of an ok result; an ApiCallError carrying the service's code, message and fields otherwise. */
export function unwrapResult<T>(result: ApiResult<T>): T {
  if (result.ok) return result.value
  throw new ApiCallError(result.error)
}

export function isApiErrorPayload(value: unknown): value is ApiErrorPayload {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { code?: unknown; message?: unknown }
  return typeof v.code === 'string' && typeof v.message === 'string'
}
