// Names of the Electron IPC channels, shared by the main process and the preload so the two
// cannot drift: one invoke channel per API method (its own name), one send channel per event.
import type { EventName } from './contract'

export function eventChannel(event: EventName): string {
  return `event:${event}`
}
