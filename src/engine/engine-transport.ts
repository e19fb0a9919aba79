// The engine's one connection to main, whichever way it was started: Electron's utilityProcess
// (process.parentPort) or Node's child_process.fork (process.send). Nothing here imports electron.
import type { EngineToMain } from '../shared/engine-protocol'

export interface EngineTransport {
  /** How the engine was started, for logs and tests. */
  readonly kind: 'electron-utility' | 'node-fork'
  send(message: EngineToMain): void
  onMessage(listener: (message: unknown) => void): void
  /** Called when main goes away (the IPC channel closed); the engine should exit. */
  onDisconnect(listener: () => void): void
  /** Closes the channel so the process can exit once its queued messages are out. */
  close(): void
}

/** The part of Electron's `process.parentPort` the engine uses (typed here to keep electron out). */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void
  postMessage(message: unknown): void
  removeAllListeners?(event?: string): void
}

function parentPortOf(proc: NodeJS.Process): ParentPort | undefined {
  return (proc as NodeJS.Process & { parentPort?: ParentPort }).parentPort
}

export function connectToHost(proc: NodeJS.Process = process): EngineTransport {
  const port = parentPortOf(proc)
  if (port) {
    return {
      kind: 'electron-utility',
      send: (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      // A utilityProcess is ended by its parent; there is no disconnect to watch.
      onDisconnect: () => undefined,
      close: () => port.removeAllListeners?.('message')
    }
  }
  if (typeof proc.send === 'function') {
    return {
      kind: 'node-fork',
      send: (message) => {
        if (proc.connected) proc.send?.(message)
      },
      onMessage: (listener) => proc.on('message', listener),
      onDisconnect: (listener) => proc.on('disconnect', listener),
      close: () => {
        if (proc.connected) proc.disconnect()
      }
    }
  }
  throw new Error(
    'The engine process has no channel to LoRA Studio: start it with child_process.fork or ' +
      "Electron's utilityProcess.fork, not directly with node"
  )
}
