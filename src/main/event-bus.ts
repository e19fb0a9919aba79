// Main's typed event bus for the events the renderer may receive (ApiEvents): services emit, and
// the IPC bridge, the WebSocket server and the CLI subscribe.
import type { ApiEvents, EventName } from '../shared/contract'

export interface EventBus {
  /** Subscribes; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (data: ApiEvents[E]) => void): () => void
  emit<E extends EventName>(event: E, data: ApiEvents[E]): void
}

export function createEventBus(onListenerError?: (event: EventName, err: unknown) => void): EventBus {
  const listeners = new Map<EventName, Set<(data: never) => void>>()
  return {
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener)
      return () => {
        set.delete(listener)
      }
    },
    emit(event, data) {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          ;(listener as (data: ApiEvents[typeof event]) => void)(data)
        } catch (err) {
          // One broken subscriber (e.g. a closed socket) must not stop the others.
          onListenerError?.(event, err)
        }
      }
    }
  }
}
