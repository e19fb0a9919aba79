// Where LoRA Studio keeps its data: the folder given (Electron passes app.getPath('userData'),
// the CLI and browser mode --data-dir), else LORA_STUDIO_HOME, else the platform's usual place.
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { FolderError, makeDirsSync } from '../engine/files/make-dirs'

const appFolderName = 'lora-studio'

/** The per-user default, matching Electron's userData for an app named "lora-studio". */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir()
): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), appFolderName)
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', appFolderName)
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), appFolderName)
}

export function resolveDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return resolve(explicit)
  if (env.LORA_STUDIO_HOME) return resolve(env.LORA_STUDIO_HOME)
  return defaultDataDir(process.platform, env)
}

export interface DataPaths {
  root: string
  database: string
  /** HF-layout model folders, one per model. */
  models: string
  /** One folder per run: checkpoints/step-N/, adapter/. */
  runs: string
  /** Copies of studio.db (studio-<timestamp>.db), the last few kept; made when needed. */
  backups: string
}

/** Creates the data folder and its models/ and runs/ subfolders if missing. */
export function prepareDataDir(root: string): DataPaths {
  const paths: DataPaths = {
    root,
    database: join(root, 'studio.db'),
    models: join(root, 'models'),
    runs: join(root, 'runs'),
    backups: join(root, 'backups')
  }
  try {
    for (const dir of [paths.root, paths.models, paths.runs]) makeDirsSync(dir)
  } catch (err) {
    const why =
      err instanceof FolderError ? err.message : `Cannot create the data folder ${root}: ${String(err)}.`
    throw new Error(`${why} Choose another data folder with --data-dir or LORA_STUDIO_HOME.`)
  }
  return paths
}
