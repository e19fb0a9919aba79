// The seam between the engine host and the way an engine process is started: child_process.fork
// under Node (tests, CLI, browser mode) or Electron's utilityProcess.fork in the app (src/main/shell/).
import type { MainToEngine } from '../../shared/engine-protocol'

/**
 * How Electron says a utility process ended (app 'child-process-gone'), or 'fatal-error' for a V8
 * fatal error reported on the process itself.
 */
export type EngineExitReason =
  | 'clean-exit'
  | 'abnormal-exit'
  | 'killed'
  | 'crashed'
  | 'oom'
  | 'launch-failed'
  | 'integrity-failure'
  | 'fatal-error'

/** How an engine process ended. Electron's utilityProcess reports no signal: a code and a reason. */
export interface EngineExit {
  code: number | null
  signal: NodeJS.Signals | null
  /** Electron only, when it said why. */
  reason?: EngineExitReason
  /** What V8 said with a fatal error (e.g. "... JavaScript heap out of memory"). */
  detail?: string
}

/** One started engine process. Listeners may be added at any time; each is called for every event after. */
export interface EngineHandle {
  /** The OS process id, once known (Electron knows it after its 'spawn' event; the engine's ready message carries it too). */
  readonly pid: number | undefined
  /** Delivers one message to the engine (`process.on('message')` or `parentPort` 'message' there). */
  send(message: MainToEngine): void
  /** Every message the engine sends, unvalidated. */
  onMessage(listener: (message: unknown) => void): void
  /** Called once when the process has ended, for whatever reason (including a failed start). */
  onExit(listener: (exit: EngineExit) => void): void
  /** The engine's stdout and stderr text, for crash reports (e.g. wasm's "Aborted()", CUDA errors). */
  onOutput(listener: (text: string) => void): void
  /** Ends the process (default SIGTERM); safe to call after it has exited. */
  kill(signal?: NodeJS.Signals): void
}

export interface EngineSpawner {
  /** For messages and logs, e.g. "node child_process (tsx) src/engine/engine-process.ts". */
  readonly description: string
  /** Starts a fresh engine process; it will send `{ kind: 'ready' }` when it can take requests. */
  spawn(): EngineHandle
}
