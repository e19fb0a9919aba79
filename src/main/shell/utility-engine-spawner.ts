// Starts engine processes with Electron's utilityProcess.fork (the app's way: a Node process that
// Electron supervises, so a native crash or an out-of-memory ends the engine, never the window).
// It also says how an engine ended: the code alone tells little, so a V8 fatal error (the
// process's 'error' event, which would otherwise be thrown in main) and the reason of app
// 'child-process-gone' (oom, crashed, killed…) go with the exit, for the crash message's hints.
import { app, utilityProcess, type Details, type UtilityProcess } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MainToEngine } from '../../shared/engine-protocol'
import type { EngineExit, EngineExitReason, EngineHandle, EngineSpawner } from '../engine-host/engine-spawner'

export interface UtilityEngineSpawnerOptions {
  /** The built engine entry; default out/main/engine.js, next to the bundled main. */
  entry?: string
  env?: Record<string, string | undefined>
  execArgv?: string[]
  /** How long an unclean exit waits for 'child-process-gone' to say why (default 500 ms). */
  goneGraceMs?: number
}

class UtilityEngineHandle implements EngineHandle {
  private readonly exitListeners: ((exit: EngineExit) => void)[] = []
  private exit: EngineExit | null = null
  /** The exit code once the process has ended, while the reason may still come. */
  private code: number | null | undefined = undefined
  private reason: EngineExitReason | undefined
  private detail: string | undefined
  private killedByUs = false
  private graceTimer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly child: UtilityProcess,
    private readonly graceMs: number,
    private readonly onFinished: () => void
  ) {
    child.on('exit', (code) => this.exited(code))
    // Electron emits 'exit' after it, listened to or not; unlistened, EventEmitter throws it in main.
    child.on('error', (_type, location) => {
      this.detail = location
    })
    child.stdout?.setEncoding('utf8')
    child.stderr?.setEncoding('utf8')
  }

  /** app 'child-process-gone' for this process; it may come before or after 'exit'. */
  gone(reason: EngineExitReason): void {
    this.reason ??= reason
    if (this.code !== undefined) this.finish()
  }

  private exited(code: number | null): void {
    this.code = code
    if (code === 0 || this.reason || this.killedByUs) this.finish()
    else this.graceTimer = setTimeout(() => this.finish(), this.graceMs)
  }

  private finish(): void {
    if (this.exit || this.code === undefined) return
    if (this.graceTimer) clearTimeout(this.graceTimer)
    const exit: EngineExit = { code: this.code, signal: null }
    const reason = this.reason ?? (this.detail !== undefined ? 'fatal-error' : undefined)
    if (reason && reason !== 'clean-exit' && !this.killedByUs) exit.reason = reason
    if (this.detail !== undefined) exit.detail = this.detail
    this.exit = exit
    this.onFinished()
    for (const listener of this.exitListeners) listener(exit)
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  send(message: MainToEngine): void {
    if (this.code === undefined) this.child.postMessage(message)
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
    if (this.code !== undefined) return
    this.killedByUs = true
    // utilityProcess.kill() always sends SIGTERM; other signals (SIGKILL for a hung engine) go by pid.
    const pid = this.child.pid
    if (signal !== 'SIGTERM' && pid !== undefined) process.kill(pid, signal)
    else this.child.kill()
  }
}

/** Engines started by this process, for a process name no other engine shares. */
let started = 0

export function createUtilityEngineSpawner(options: UtilityEngineSpawnerOptions = {}): EngineSpawner {
  const entry = options.entry ?? join(dirname(fileURLToPath(import.meta.url)), 'engine.js')
  const graceMs = options.goneGraceMs ?? 500
  /** Live engines by their process name, unique per start, which 'child-process-gone' reports. */
  const live = new Map<string, UtilityEngineHandle>()
  app.on('child-process-gone', (_event, details: Details) => {
    if (details.type !== 'Utility') return
    const handle = live.get(details.name ?? '') ?? live.get(details.serviceName ?? '')
    handle?.gone(details.reason)
  })
  return {
    description: `electron utilityProcess ${entry}`,
    spawn() {
      started += 1
      const serviceName = `LoRA Studio engine ${started}`
      const child = utilityProcess.fork(entry, [], {
        serviceName,
        stdio: 'pipe',
        env: { ...process.env, ...options.env },
        execArgv: options.execArgv
      })
      const handle = new UtilityEngineHandle(child, graceMs, () => live.delete(serviceName))
      live.set(serviceName, handle)
      // Drain output even when nobody listens, so a chatty engine never blocks on a full pipe.
      handle.onOutput(() => undefined)
      return handle
    }
  }
}
