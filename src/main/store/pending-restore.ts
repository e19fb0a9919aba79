// A restore chosen in a running app: recorded in <data>/backups/restore-pending.json and done at the
// next start, before the database opens (an open database cannot be swapped under the services that
// hold it). Its outcome is kept for Settings to show.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { ServiceError } from '../../shared/errors'
import type { DataPaths } from '../data-dir'
import { restoreDatabase } from './restore-database'

const Pending = z.strictObject({ file: z.string() })

function markerPath(paths: DataPaths): string {
  return join(paths.backups, 'restore-pending.json')
}

export function pendingRestore(paths: DataPaths): string | null {
  try {
    return Pending.parse(JSON.parse(readFileSync(markerPath(paths), 'utf8'))).file
  } catch {
    return null
  }
}

/** Records `file` (a name in backups/) to restore at the next start; null cancels. */
export function stageRestore(paths: DataPaths, file: string | null): void {
  const marker = markerPath(paths)
  if (file === null) {
    rmSync(marker, { force: true })
    return
  }
  if (!existsSync(join(paths.backups, file))) {
    throw new ServiceError('not_found', `There is no backup ${file} in ${paths.backups}.`, [
      { path: 'file', message: 'no such backup' }
    ])
  }
  mkdirSync(paths.backups, { recursive: true })
  const tmp = `${marker}.tmp-${process.pid}`
  writeFileSync(tmp, JSON.stringify({ file }))
  renameSync(tmp, marker)
}

/**
 * Does a staged restore, if any; returns what happened (null when none was staged). A restore that
 * cannot be done is reported, not thrown, so the app still starts on the current database; it stays
 * staged only while another process holds the database.
 */
export function applyPendingRestore(paths: DataPaths): { ok: boolean; message: string } | null {
  const file = pendingRestore(paths)
  if (file === null) {
    rmSync(markerPath(paths), { force: true })
    return null
  }
  try {
    const result = restoreDatabase(paths, join(paths.backups, file))
    rmSync(markerPath(paths), { force: true })
    const aside = result.setAside ? ` The previous file is kept as ${result.setAside}.` : ''
    return { ok: true, message: `Restored ${paths.database} from ${file}.${aside}` }
  } catch (err) {
    const busy = err instanceof ServiceError && err.code === 'conflict'
    if (!busy) rmSync(markerPath(paths), { force: true })
    return { ok: false, message: `The backup ${file} was not restored: ${(err as Error).message}` }
  }
}
