// What the browser-server tests share: an event source the test can fire by hand, and the HTTP status a
// WebSocket upgrade gets (101 when it is accepted), for the token, Host and Origin rules.
import { WebSocket } from 'ws'
import type { ApiEventSource } from '../../src/main/server/socket-session'
import type { ApiEvents, EventName } from '../../src/shared/contract'

export type ManualEvents = ApiEventSource & { emit<E extends EventName>(event: E, data: ApiEvents[E]): void }

/** An ApiEventSource whose events the test emits itself. */
export function manualEvents(): ManualEvents {
  const listeners = new Map<EventName, Set<(data: unknown) => void>>()
  return {
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener as (data: unknown) => void)
      return () => set.delete(listener as (data: unknown) => void)
    },
    emit(event, data) {
      for (const listener of listeners.get(event) ?? []) listener(data)
    }
  }
}

/** The status a WebSocket upgrade to `url` from `origin` is answered with: 101 if it opens. */
export function upgradeStatus(url: string, origin: string, protocols: string[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { origin })
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      ws.terminate()
    })
    ws.on('open', () => {
      resolve(101)
      ws.close()
    })
    ws.on('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err)
    })
  })
}
