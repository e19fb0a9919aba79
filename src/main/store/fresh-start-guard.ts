// Refuses to create a new, empty studio.db in a data folder whose runs/ or models/ already hold data:
// a database that is missing or 0 bytes there was lost, not never made, and starting empty over it
// would silently orphan every run and model. Starting fresh then takes an explicit --start-fresh.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { ServiceError } from '../../shared/errors'
import type { DataPaths } from '../data-dir'
import { listBackups } from './backups'

function size(path: string): number {
  return existsSync(path) ? statSync(path).size : 0
}

/** Entries of `dir` other than hidden ones (staging folders and scratch start with a dot). */
function holdsData(dir: string): boolean {
  try {
    return readdirSync(dir).some((name) => !name.startsWith('.'))
  } catch {
    return false
  }
}

/** Whether opening `database` would make a new empty database (no file, or 0 bytes and no WAL). */
export function wouldStartEmpty(database: string): boolean {
  return size(database) === 0 && size(`${database}-wal`) === 0
}

export function guardFreshStart(paths: DataPaths, startFresh: boolean): void {
  if (startFresh || !wouldStartEmpty(paths.database)) return
  const withData = [paths.runs, paths.models].filter(holdsData)
  if (!withData.length) return
  const state = existsSync(paths.database) ? 'is empty (0 bytes)' : 'is missing'
  const backups = listBackups(paths.backups)
  const restore = backups.length
    ? `Restore the latest of ${backups.length} backup${backups.length === 1 ? '' : 's'} with \`lora-studio restore-db --latest\`, or `
    : 'Restore studio.db from your own backup, or '
  throw new ServiceError(
    'conflict',
    `The database ${paths.database} ${state}, but ${withData.join(' and ')} hold${withData.length === 1 ? 's' : ''} data ` +
      'from earlier use, so LoRA Studio will not start a new empty database over it. ' +
      `${restore}start with an empty database on purpose with \`--start-fresh\` (runs/ and models/ are kept as they are).`
  )
}
