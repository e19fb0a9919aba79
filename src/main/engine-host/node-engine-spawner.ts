// Starts engine processes with child_process.fork: the TypeScript entry through tsx when running
// from source (tests, CLI, browser mode), or a built engine.js.
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import { entryFile, tsxExecArgv } from '../../engine/entry-files'
import { EngineHandleBase, engineEnv, type EngineSpawnOptions } from './engine-handle-base'
import type { EngineSpawner } from './engine-spawner'

export type NodeEngineSpawnerOptions = EngineSpawnOptions

class NodeEngineHandle extends EngineHandleBase<ChildProcess> {
  constructor(child: ChildProcess) {
    super(child)
    child.on('exit', (code, signal) => this.reportExit({ code, signal }))
    // A fork that cannot start at all emits 'error' and may never emit 'exit'.
    child.on('error', () => {
      if (child.exitCode === null && child.signalCode === null && child.pid === undefined) {
        this.reportExit({ code: null, signal: null })
      }
    })
  }

  send(message: Parameters<EngineHandleBase<ChildProcess>['send']>[0]): void {
    if (this.child.connected) this.child.send(message)
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (!this.reported) this.child.kill(signal)
  }
}

export function createNodeEngineSpawner(options: NodeEngineSpawnerOptions = {}): EngineSpawner {
  const entry = options.entry ?? entryFile('engine')
  const viaTsx = entry.endsWith('.ts')
  return {
    description: `node child_process${viaTsx ? ' (tsx)' : ''} ${relative(process.cwd(), entry) || entry}`,
    spawn() {
      if (!existsSync(entry)) {
        throw new Error(
          `The engine entry ${entry} does not exist; run from a full checkout or build with npm run build`
        )
      }
      const child = fork(entry, [], {
        execArgv: [...tsxExecArgv(entry), ...(options.execArgv ?? [])],
        env: engineEnv(options),
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'advanced',
        // Its own process group, so a terminal's Ctrl-C (sent to the CLI's whole group) reaches only the
        // CLI, which stops the run with a checkpoint; the engine ends when the CLI does (its channel closes).
        detached: true
      })
      return new NodeEngineHandle(child)
    }
  }
}
