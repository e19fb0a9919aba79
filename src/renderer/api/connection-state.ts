// Whether the renderer can reach the services right now. Always "open" behind the Electron preload;
// in browser mode it follows the WebSocket so the shell can say when it is reconnecting.
export type ConnectionState = 'connecting' | 'open' | 'reconnecting'

export interface ConnectionStatus {
  readonly state: ConnectionState
  subscribe(listener: (state: ConnectionState) => void): () => void
}

export function createConnectionStatus(initial: ConnectionState): ConnectionStatus & {
  set(state: ConnectionState): void
} {
  let state = initial
  const listeners = new Set<(state: ConnectionState) => void>()
  return {
    get state() {
      return state
    },
    set(next) {
      if (next === state) return
      state = next
      for (const listener of listeners) listener(next)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  }
}
