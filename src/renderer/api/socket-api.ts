// The `Api` over browser mode's WebSocket: requests {id, channel, payload} answered by
// {id, result}, events pushed as {event, data}; reconnects with backoff when the server goes away.
import { buildApi } from '../../shared/api-client'
import type { Api, ApiEvents, ChannelName, EventName } from '../../shared/contract'
import { ApiCallError } from '../../shared/errors'
import { MAX_SOCKET_MESSAGE_BYTES, type ServerMessage } from '../../shared/socket-protocol'
import { createConnectionStatus, type ConnectionStatus } from './connection-state'
import { i18n } from '../i18n/instance'

/** The part of the WHATWG WebSocket this client uses (the browser's, or `ws` in tests). */
export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  addEventListener(
    type: 'open' | 'close' | 'error' | 'message',
    listener: (event: { data?: unknown }) => void
  ): void
}
export type SocketFactory = (url: string) => SocketLike

export interface SocketApiOptions {
  url: string
  createSocket?: SocketFactory
  retryInitialMs?: number
  retryMaxMs?: number
}

export interface SocketApi {
  api: Api
  connection: ConnectionStatus
  close(): void
}

interface Pending {
  resolve(value: unknown): void
  reject(error: Error): void
  message: string
  sent: boolean
}

const OPEN = 1

export function createSocketApi(options: SocketApiOptions): SocketApi {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url))
  const retryInitialMs = options.retryInitialMs ?? 500
  const retryMaxMs = options.retryMaxMs ?? 10_000
  const connection = createConnectionStatus('connecting')
  const pending = new Map<number, Pending>()
  const listeners = new Map<EventName, Set<(data: unknown) => void>>()
  let socket: SocketLike | null = null
  let nextId = 1
  let attempt = 0
  let closed = false
  let retryTimer: ReturnType<typeof setTimeout> | null = null

  function flush(): void {
    if (!socket || socket.readyState !== OPEN) return
    for (const entry of pending.values()) {
      if (!entry.sent) {
        socket.send(entry.message)
        entry.sent = true
      }
    }
  }

  function handleMessage(raw: unknown): void {
    if (typeof raw !== 'string') return
    let message: ServerMessage
    try {
      message = JSON.parse(raw) as ServerMessage
    } catch {
      console.error('LoRA Studio: the server sent a message that is not JSON; ignoring it.')
      return
    }
    if ('event' in message) {
      for (const listener of listeners.get(message.event) ?? []) {
        try {
          listener(message.data)
        } catch (err) {
          console.error(`LoRA Studio: a listener of "${message.event}" failed:`, err)
        }
      }
      return
    }
    if (message.id === null) {
      console.error(
        `LoRA Studio: the server refused a request: ${message.result.ok ? '' : message.result.error.message}`
      )
      return
    }
    const entry = pending.get(message.id)
    if (!entry) return
    pending.delete(message.id)
    if (message.result.ok) entry.resolve(message.result.value)
    else entry.reject(new ApiCallError(message.result.error))
  }

  function scheduleReconnect(): void {
    if (closed || retryTimer) return
    const delay = Math.min(retryMaxMs, retryInitialMs * 2 ** attempt) * (0.75 + Math.random() * 0.5)
    attempt += 1
    retryTimer = setTimeout(() => {
      retryTimer = null
      connect()
    }, delay)
  }

  function connect(): void {
    if (closed) return
    const current = createSocket(options.url)
    socket = current
    current.addEventListener('open', () => {
      attempt = 0
      connection.set('open')
      flush()
    })
    current.addEventListener('message', (event) => handleMessage(event.data))
    current.addEventListener('close', () => {
      if (socket !== current) return
      socket = null
      for (const [id, entry] of pending) {
        if (!entry.sent) continue
        pending.delete(id)
        entry.reject(
          new ApiCallError({
            code: 'internal',
            message: i18n.global.t('connection.lostAnswer')
          })
        )
      }
      if (!closed) {
        connection.set('reconnecting')
        scheduleReconnect()
      }
    })
  }

  function call(channel: ChannelName, payload: unknown): Promise<unknown> {
    if (closed)
      return Promise.reject(
        new ApiCallError({ code: 'internal', message: i18n.global.t('connection.closed') })
      )
    const id = nextId++
    const message = JSON.stringify({ id, channel, payload })
    // The server would close the whole connection (1009) on it, failing every other call in flight.
    const bytes = new TextEncoder().encode(message).length
    if (bytes > MAX_SOCKET_MESSAGE_BYTES) {
      const mib = (n: number) => (n / 1024 / 1024).toFixed(1)
      return Promise.reject(
        new ApiCallError({
          code: 'invalid_input',
          message: i18n.global.t('connection.tooLarge', {
            size: mib(bytes),
            limit: mib(MAX_SOCKET_MESSAGE_BYTES)
          })
        })
      )
    }
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, message, sent: false })
      flush()
    })
  }

  function subscribe<E extends EventName>(event: E, listener: (data: ApiEvents[E]) => void): () => void {
    let set = listeners.get(event)
    if (!set) {
      set = new Set()
      listeners.set(event, set)
    }
    const entry = listener as (data: unknown) => void
    set.add(entry)
    return () => {
      set.delete(entry)
    }
  }

  connect()
  return {
    api: buildApi(call, subscribe),
    connection,
    close() {
      closed = true
      if (retryTimer) clearTimeout(retryTimer)
      socket?.close(1000, 'closed by the app')
      socket = null
    }
  }
}
