// One browser-mode WebSocket connection: validates every message against the socket protocol,
// routes its payload through the API router (which validates it against the contract), answers
// by id, and pushes every API event to the page until the socket closes. Whatever one connection
// does wrong (malformed frames, a failing handler, an answer that cannot be sent) ends at most that
// connection, with a log line: never the server and the runs it drives.
import type { RawData, WebSocket } from 'ws'
import { eventNames, type ApiEvents, type EventName } from '../../shared/contract'
import type { ApiResult } from '../../shared/errors'
import { SocketRequest, type ServerMessage } from '../../shared/socket-protocol'
import { wordsParse, zodIssues } from '../../shared/issue-words'
import type { ApiRouter } from '../api-router'

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

/**
 * The close code ws sends for one of its protocol errors (RFC 6455 section 7.4.1), or null for a
 * failure that is not the peer's fault (a write error).
 */
export function closeCodeOf(err: Error): number | null {
  const code = (err as { code?: unknown }).code
  if (typeof code !== 'string' || !code.startsWith('WS_ERR_')) return null
  if (code === 'WS_ERR_INVALID_UTF8') return 1007
  if (code === 'WS_ERR_TOO_MANY_BUFFERED_PARTS') return 1008
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' || code === 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH')
    return 1009
  return 1002
}

export function attachSocketSession(socket: WebSocket, deps: SocketSessionDeps): void {
  const logError = deps.logError ?? ((message: string) => console.error(message))
  /** Sends one message; false (and a log line naming `what`) when it cannot be serialised or written. */
  const send = (message: ServerMessage, what: string): boolean => {
    if (socket.readyState !== socket.OPEN) return true
    try {
      socket.send(JSON.stringify(message))
      return true
    } catch (err) {
      logError(`LoRA Studio could not send ${what}: ${String(err)}`)
      return false
    }
  }

  const unsubscribers = eventNames.map((event) =>
    deps.events.on(event, (data) => send({ event, data } as ServerMessage, `the event ${event}`))
  )

  // ws has already answered a malformed frame with its close code when this fires; without a
  // listener the error would be thrown out of the socket's data handler and end the process.
  socket.on('error', (err: Error) => {
    const code = closeCodeOf(err)
    const detail = `(${(err as { code?: unknown }).code ?? err.name}): ${err.message}`
    logError(
      code === null
        ? `LoRA Studio lost a WebSocket connection ${detail}`
        : `LoRA Studio closed a WebSocket connection (close code ${code}) after a malformed message ${detail}`
    )
  })

  const answer = (id: number, channel: string, result: ApiResult<unknown>): void => {
    if (!send({ id, result }, `the answer to ${channel}`)) {
      const message = `LoRA Studio could not send the answer to ${channel}; see the server's log.`
      send({ id, result: { ok: false, error: { code: 'internal', message } } }, `the error of ${channel}`)
    }
  }

  socket.on('message', (raw: RawData, isBinary: boolean) => {
    const refuse = (message: ServerMessage) => send(message, 'a refusal')
    if (isBinary) {
      refuse({ id: null, result: invalid('Send API requests as JSON text messages, not binary frames.') })
      return
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(raw.toString())
    } catch (err) {
      refuse({ id: null, result: invalid(`The message is not valid JSON: ${(err as Error).message}`) })
      return
    }
    const request = SocketRequest.safeParse(parsed, wordsParse)
    if (!request.success) {
      const issues = zodIssues(request.error)
      const text = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')
      refuse({ id: idOf(parsed), result: invalid(`Invalid request message: ${text}`, issues) })
      return
    }
    const { id, channel, payload } = request.data
    // Through a promise so that a router throwing synchronously is answered like one that rejects.
    Promise.resolve()
      .then(() => deps.router.call(channel, payload))
      .then(
        (result) => answer(id, channel, result),
        (err: unknown) => {
          logError(`LoRA Studio: ${channel} failed unexpectedly: ${String(err)}`)
          answer(id, channel, { ok: false, error: { code: 'internal', message: String(err) } })
        }
      )
  })

  socket.on('close', () => {
    for (const unsubscribe of unsubscribers) unsubscribe()
  })
}
