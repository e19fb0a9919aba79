// One browser-mode WebSocket connection: validates every message against the socket protocol,
// routes its payload through the API router (which validates it against the contract), answers
// by id, and pushes every API event to the page until the socket closes.
import type { RawData, WebSocket } from 'ws'
import { eventNames, type ApiEvents, type EventName } from '../../shared/contract'
import type { ApiResult } from '../../shared/errors'
import { SocketRequest, type ServerMessage } from '../../shared/socket-protocol'
import { zodIssues, type ApiRouter } from '../api-router'

/** The part of AppContext's event bus a session needs. */
export interface ApiEventSource {
  on<E extends EventName>(event: E, listener: (data: ApiEvents[E]) => void): () => void
}

export interface SocketSessionDeps {
  router: ApiRouter
  events: ApiEventSource
  /** Where unexpected failures go (default: console.error). */
  logError?: (message: string) => void
}

function invalid(message: string, issues?: { path: string; message: string }[]): ApiResult<never> {
  return { ok: false, error: { code: 'invalid_input', message, issues } }
}

/** The id of a message that failed validation, when it has a usable one, so the caller's promise settles. */
function idOf(value: unknown): number | null {
  if (typeof value !== 'object' || value === null) return null
  const id = (value as { id?: unknown }).id
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null
}

export function attachSocketSession(socket: WebSocket, deps: SocketSessionDeps): void {
  const logError = deps.logError ?? ((message: string) => console.error(message))
  const send = (message: ServerMessage): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message))
  }

  const unsubscribers = eventNames.map((event) =>
    deps.events.on(event, (data) => send({ event, data } as ServerMessage))
  )

  socket.on('message', (raw: RawData, isBinary: boolean) => {
    if (isBinary) {
      send({ id: null, result: invalid('Send API requests as JSON text messages, not binary frames.') })
      return
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(raw.toString())
    } catch (err) {
      send({ id: null, result: invalid(`The message is not valid JSON: ${(err as Error).message}`) })
      return
    }
    const request = SocketRequest.safeParse(parsed)
    if (!request.success) {
      const issues = zodIssues(request.error)
      const text = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')
      send({ id: idOf(parsed), result: invalid(`Invalid request message: ${text}`, issues) })
      return
    }
    const { id, channel, payload } = request.data
    deps.router.call(channel, payload).then(
      (result) => send({ id, result }),
      (err: unknown) => {
        logError(`LoRA Studio: ${channel} failed unexpectedly: ${String(err)}`)
        send({ id, result: { ok: false, error: { code: 'internal', message: String(err) } } })
      }
    )
  })

  socket.on('close', () => {
    for (const unsubscribe of unsubscribers) unsubscribe()
  })
}
