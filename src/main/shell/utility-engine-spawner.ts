// Starts engine processes with Electron's utilityProcess.fork (the app's way: a Node process that
// Electron supervises, so a native crash or an out-of-memory ends the engine, never the window).
import { utilityProcess, type UtilityProcess } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MainToEngine } from '../../shared/engine-protocol'
import type { EngineExit, EngineHandle, EngineSpawner } from '../engine-host/engine-spawner'

export interface UtilityEngineSpawnerOptions {
  /** The built engine entry; default out/main/engine.js, next to the bundled main. */
  entry?: string
  env?: Record<string, string | undefined>
  execArgv?: string[]
}

class UtilityEngineHandle implements EngineHandle {
  private readonly exitListeners: ((exit: EngineExit) => void)[] = []
  private exit: EngineExit | null = null

  constructor(private readonly child: UtilityProcess) {
    child.on('exit', (code) => this.finish({ code, signal: null }))
    child.stdout?.setEncoding('utf8')
    child.stderr?.setEncoding('utf8')
  }

  private finish(exit: EngineExit): void {
    if (this.exit) return
    this.exit = exit
    for (const listener of this.exitListeners) listener(exit)
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  send(message: MainToEngine): void {
    if (this.exit === null) this.child.postMessage(message)
  }

  onMessage(listener: (message: unknown) => void): void {
    this.child.on('message', listener)
  }

  onExit(listener: (exit: EngineExit) => void): void {
    if (this.exit) listener(this.exit)
    else this.exitListeners.push(listener)
  }

  onOutput(listener: (text: string) => void): void {
    this.child.stdout?.on('data', listener)
    this.child.stderr?.on('data', listener)
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.exit !== null) return
    // utilityProcess.kill() always sends SIGTERM; other signals (SIGKILL for a hung engine) go by pid.
    const pid = this.child.pid
    if (signal !== 'SIGTERM' && pid !== undefined) process.kill(pid, signal)
    else this.child.kill()
  }
}

export function createUtilityEngineSpawner(options: UtilityEngineSpawnerOptions = {}): EngineSpawner {
  const entry = options.entry ?? join(dirname(fileURLToPath(import.meta.url)), 'engine.js')
  return {
    description: `electron utilityProcess ${entry}`,
    spawn() {
      const child = utilityProcess.fork(entry, [], {
        serviceName: 'LoRA Studio engine',
        stdio: 'pipe',
        env: { ...process.env, ...options.env },
        execArgv: options.execArgv
      })
      const handle = new UtilityEngineHandle(child)
      // Drain output even when nobody listens, so a chatty engine never blocks on a full pipe.
      handle.onOutput(() => undefined)
      return handle
    }
  }
}
