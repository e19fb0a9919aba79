// system.info: what About and `lora-studio info` show — the engine's backend and the reason for it,
// versions (app, tfjs, Node, Electron, SQLite), the data folder, the database size, the machine;
// system.pickPaths: the desktop app's open dialog (browser mode has none: paths are typed there).
import { cpus, totalmem } from 'node:os'
import type { ApiHandlers } from '../../shared/contract'
import { ServiceError } from '../../shared/errors'
import type { PickPathsOptions, SystemInfo } from '../../shared/system'
import type { EngineHost } from '../engine-host/engine-host'
import type { Store } from '../store/store'

export interface SystemServiceDeps {
  store: Store
  engine: EngineHost
  mode: SystemInfo['mode']
  dataDir: string
  appVersion: string
  electronVersions?: { electron: string; chrome: string }
  /** The native open dialog; only the desktop app has one. Resolves to [] when cancelled. */
  pickPaths?: (options: PickPathsOptions) => Promise<string[]>
}

export function createSystemService(deps: SystemServiceDeps): ApiHandlers['system'] {
  return {
    async info() {
      const engine = await deps.engine.call('systemInfo', {})
      return {
        appVersion: deps.appVersion,
        backend: engine.backend,
        versions: {
          tfjs: engine.tfjsVersion,
          node: process.versions.node,
          electron: deps.electronVersions?.electron ?? null,
          chrome: deps.electronVersions?.chrome ?? null,
          sqlite: deps.store.sqliteVersion()
        },
        mode: deps.mode,
        dataDir: deps.dataDir,
        databasePath: deps.store.path,
        databaseBytes: deps.store.sizeBytes(),
        platform: process.platform,
        arch: process.arch,
        cpus: cpus().length,
        totalMemoryBytes: totalmem()
      }
    },
    async pickPaths(options) {
      if (!deps.pickPaths) {
        throw new ServiceError(
          'conflict',
          `There is no file dialog in ${deps.mode} mode: type the path of the file or folder (on the machine running LoRA Studio) instead.`
        )
      }
      return { paths: await deps.pickPaths(options) }
    }
  }
}
