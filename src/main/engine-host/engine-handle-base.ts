// What both engine spawners' handles share, child_process under Node (node-engine-spawner.ts) and
// Electron's utilityProcess (shell/utility-engine-spawner.ts): the exit reported once to every
// listener (also to one added after it), messages and output passed through, output drained.
// Each subclass says how its process ends and how to send to it and kill it.
import type { MainToEngine } from '../../shared/engine-protocol'
import type { EngineExit, EngineHandle } from './engine-spawner'

/** The engine's stdout or stderr, as ChildProcess and UtilityProcess give it. */
interface OutputStream {
  setEncoding(encoding: BufferEncoding): unknown
  on(event: 'data', listener: (text: string) => void): unknown
}

/** What a handle needs of a started process; ChildProcess and Electron's UtilityProcess both have it. */
export interface EngineProcess {
  readonly pid?: number | undefined
  readonly stdout: OutputStream | null
  readonly stderr: OutputStream | null
  on(event: 'message', listener: (message: unknown) => void): unknown
}

/** What both spawners take besides their own settings. */
export interface EngineSpawnOptions {
  /** The engine entry file; default from src/engine/entry-files.ts. */
  entry?: string
  /** Extra environment for the engine, over this process's (e.g. LORA_STUDIO_BACKEND). */
  env?: Record<string, string | undefined>
  /** Extra Node flags, e.g. ['--max-old-space-size=8192']. */
  execArgv?: string[]
}

/** The engine's environment: this process's, with `options.env` over it. */
export function engineEnv(options: EngineSpawnOptions): Record<string, string | undefined> {
  return { ...process.env, ...options.env }
}

export abstract class EngineHandleBase<P extends EngineProcess> implements EngineHandle {
  private readonly exitListeners: ((exit: EngineExit) => void)[] = []
  private exitSeen: EngineExit | null = null

  protected constructor(protected readonly child: P) {
    child.stdout?.setEncoding('utf8')
    child.stderr?.setEncoding('utf8')
    // Drain output even when nobody listens, so a chatty engine never blocks on a full pipe.
    this.onOutput(() => undefined)
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  /** True once the exit has been reported. */
  protected get reported(): boolean {
    return this.exitSeen !== null
  }

  /** Reports how the process ended to every exit listener, once; later calls do nothing. */
  protected reportExit(exit: EngineExit): void {
    if (this.exitSeen) return
    this.exitSeen = exit
    for (const listener of this.exitListeners) listener(exit)
  }

  abstract send(message: MainToEngine): void
  abstract kill(signal?: NodeJS.Signals): void

  onMessage(listener: (message: unknown) => void): void {
    this.child.on('message', listener)
  }

  onExit(listener: (exit: EngineExit) => void): void {
    if (this.exitSeen) listener(this.exitSeen)
    else this.exitListeners.push(listener)
  }

  onOutput(listener: (text: string) => void): void {
    this.child.stdout?.on('data', listener)
    this.child.stderr?.on('data', listener)
  }
}
