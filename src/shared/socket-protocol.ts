// The browser-mode WebSocket protocol: what the renderer sends (requests, validated by the server
// before routing) and what it receives (responses and pushed events).
import { z } from 'zod'
import type { ApiEvents, EventName } from './contract'
import type { ApiResult } from './errors'

export const SocketRequest = z.strictObject({
  id: z.number().int().nonnegative(),
  channel: z.string().min(1).max(200),
  payload: z.unknown().optional()
})
export type SocketRequest = z.infer<typeof SocketRequest>

export interface SocketResponse {
  id: number | null
  result: ApiResult<unknown>
}

export type SocketEvent = { [E in EventName]: { event: E; data: ApiEvents[E] } }[EventName]

export type ServerMessage = SocketResponse | SocketEvent

/** Query parameter (page URL and socket URL) that carries the per-start access token. */
export const TOKEN_PARAM = 'token'
/** Path of the WebSocket endpoint on the browser-mode server. */
export const SOCKET_PATH = '/api'
/**
 * Clients that cannot put the token in the URL may offer two WebSocket subprotocols instead:
 * SOCKET_SUBPROTOCOL and `${TOKEN_SUBPROTOCOL_PREFIX}<token>`; the server answers with the first.
 */
export const SOCKET_SUBPROTOCOL = 'lora-studio.v1'
export const TOKEN_SUBPROTOCOL_PREFIX = 'lora-studio.token.'

/**
 * The largest message the server accepts; a larger one closes the connection with 1009 before it
 * is buffered. The largest valid request (a 100,000-character chat message or compare prompt, all
 * of it escaped in JSON) is about 0.6 MB, so this leaves more than six times that.
 */
export const MAX_SOCKET_MESSAGE_BYTES = 4 * 1024 * 1024
