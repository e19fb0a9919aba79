// Starts engine processes with Electron's utilityProcess.fork (the app's way: a Node process that
// Electron supervises, so a native crash or an out-of-memory ends the engine, never the window).
// It also says how an engine ended: the code alone tells little, so a V8 fatal error (the
// process's 'error' event, which would otherwise be thrown in main) and the reason of app
// 'child-process-gone' (oom, crashed, killed…) go with the exit, for the crash message's hints.
import { app, utilityProcess, type Details, type UtilityProcess } from 'electron'
import { entryFile } from '../../engine/entry-files'
import type { MainToEngine } from '../../shared/engine-protocol'
import { EngineHandleBase, engineEnv, type EngineSpawnOptions } from '../engine-host/engine-handle-base'
import type { EngineExitReason, EngineSpawner } from '../engine-host/engine-spawner'

export interface UtilityEngineSpawnerOptions extends EngineSpawnOptions {
  /** How long an unclean exit waits for 'child-process-gone' to say why (default 500 ms). */
  goneGraceMs?: number
}

class UtilityEngineHandle extends EngineHandleBase<UtilityProcess> {
  /** The exit code once the process has ended, while the reason may still come. */
  private code: number | null | undefined = undefined
  private reason: EngineExitReason | undefined
  private detail: string | undefined
  private killedByUs = false
  private graceTimer: ReturnType<typeof setTimeout> | null = null

  constructor(
    child: UtilityProcess,
    private readonly graceMs: number,
    private readonly onFinished: () => void
  ) {
    super(child)
    child.on('exit', (code) => this.exited(code))
    // Electron emits 'exit' after it, listened to or not; unlistened, EventEmitter throws it in main.
    child.on('error', (_type, location) => {
      this.detail = location
    })
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
    if (this.reported || this.code === undefined) return
    if (this.graceTimer) clearTimeout(this.graceTimer)
    const reason = this.reason ?? (this.detail !== undefined ? 'fatal-error' : undefined)
    this.onFinished()
    this.reportExit({
      code: this.code,
      signal: null,
      ...(reason && reason !== 'clean-exit' && !this.killedByUs ? { reason } : {}),
      ...(this.detail !== undefined ? { detail: this.detail } : {})
    })
  }

  send(message: MainToEngine): void {
    if (this.code === undefined) this.child.postMessage(message)
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
  const entry = options.entry ?? entryFile('engine')
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
        env: engineEnv(options),
        execArgv: options.execArgv
      })
      const handle = new UtilityEngineHandle(child, graceMs, () => live.delete(serviceName))
      live.set(serviceName, handle)
      return handle
    }
  }
}
