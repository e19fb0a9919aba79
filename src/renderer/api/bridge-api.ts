// The `Api` behind Electron's preload. Errors lose their class crossing contextBridge, so the
// preload rejects with the plain error payload and this wrapper turns it back into ApiCallError.
import { buildApi, isApiErrorPayload } from '../../shared/api-client'
import { splitChannel, type Api } from '../../shared/contract'
import { ApiCallError } from '../../shared/errors'

export function wrapBridgeApi(bridge: Api): Api {
  return buildApi(
    async (channel, payload) => {
      const parts = splitChannel(channel)
      if (!parts)
        throw new ApiCallError({ code: 'unknown_method', message: `Unknown API method "${channel}".` })
      const domain = bridge[parts.domain] as Record<string, (input: unknown) => Promise<unknown>>
      try {
        return await domain[parts.method](payload)
      } catch (err) {
        if (isApiErrorPayload(err)) throw new ApiCallError(err)
        throw err
      }
    },
    (event, listener) => bridge.on(event, listener)
  )
}
