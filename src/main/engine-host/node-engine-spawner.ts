// Starts engine processes with child_process.fork: the TypeScript entry through tsx when running
// from source (tests, CLI, browser mode), or a built engine.js.
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { EngineExit, EngineHandle, EngineSpawner } from './engine-spawner'

export interface NodeEngineSpawnerOptions {
  /** The engine entry file; a `.ts` file runs through tsx. Default: this checkout's engine source (or engine.js when bundled). */
  entry?: string
  /** Extra environment for the engine, over this process's (e.g. LORA_STUDIO_BACKEND). */
  env?: Record<string, string | undefined>
  /** Extra Node flags, e.g. ['--max-old-space-size=8192']. */
  execArgv?: string[]
}

/** The engine entry next to this code: source when running under tsx/vitest, out/main/engine.js when bundled. */
export function defaultEngineEntry(): string {
  const here = fileURLToPath(import.meta.url)
  if (here.endsWith('.ts')) return join(dirname(here), '..', '..', 'engine', 'engine-process.ts')
  return join(dirname(here), 'engine.js')
}

function tsxLoaderUrl(): string {
  const require = createRequire(import.meta.url)
  return pathToFileURL(require.resolve('tsx')).href
}

class NodeEngineHandle implements EngineHandle {
  private readonly exitListeners: ((exit: EngineExit) => void)[] = []
  private exit: EngineExit | null = null

  constructor(private readonly child: ChildProcess) {
    const finish = (exit: EngineExit) => {
      if (this.exit) return
      this.exit = exit
      for (const listener of this.exitListeners) listener(exit)
    }
    child.on('exit', (code, signal) => finish({ code, signal }))
    // A fork that cannot start at all emits 'error' and may never emit 'exit'.
    child.on('error', () => {
      if (child.exitCode === null && child.signalCode === null && child.pid === undefined) {
        finish({ code: null, signal: null })
      }
    })
    child.stdout?.setEncoding('utf8')
    child.stderr?.setEncoding('utf8')
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  send(message: Parameters<EngineHandle['send']>[0]): void {
    if (this.child.connected) this.child.send(message)
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
    if (this.exit === null) this.child.kill(signal)
  }
}

export function createNodeEngineSpawner(options: NodeEngineSpawnerOptions = {}): EngineSpawner {
  const entry = options.entry ?? defaultEngineEntry()
  const viaTsx = entry.endsWith('.ts')
  return {
    description: `node child_process${viaTsx ? ' (tsx)' : ''} ${relative(process.cwd(), entry) || entry}`,
    spawn() {
      if (!existsSync(entry)) {
        throw new Error(
          `The engine entry ${entry} does not exist; run from a full checkout or build with npm run build`
        )
      }
      const execArgv = [...(viaTsx ? ['--import', tsxLoaderUrl()] : []), ...(options.execArgv ?? [])]
      const child = fork(entry, [], {
        execArgv,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'advanced',
        // Its own process group, so a terminal's Ctrl-C (sent to the CLI's whole group) reaches only the
        // CLI, which stops the run with a checkpoint; the engine ends when the CLI does (its channel closes).
        detached: true
      })
      const handle = new NodeEngineHandle(child)
      // Drain output even when nobody listens, so a chatty engine never blocks on a full pipe.
      handle.onOutput(() => undefined)
      return handle
    }
  }
}
