// Puts a backup back in place of studio.db: the backup is copied and checked first, the current file
// (with its -wal and -shm, which belong to it) is set aside as studio.db.damaged-<ts> (or
// .before-restore-<ts> when it was healthy), never deleted, and nothing happens while another
// LoRA Studio process has the database open.
import Database from 'better-sqlite3'
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { ServiceError } from '../../shared/errors'
import type { DataPaths } from '../data-dir'
import { listBackups } from './backups'
import { isCorruptionError } from './damaged-database'
import { migrations } from './migrations'

export interface RestoreResult {
  /** The backup put in place. */
  restored: string
  /** Where the previous studio.db went (null when there was none). */
  setAside: string | null
  /** Whether the previous file failed the check. */
  previousDamaged: boolean
}

type Health = 'missing' | 'healthy' | 'damaged' | 'in-use'

/** The current database's state; `in-use` when another process holds it open (it keeps a WAL lock). */
function currentHealth(path: string): Health {
  if (!existsSync(path)) return 'missing'
  let db: Database.Database | null = null
  try {
    db = new Database(path, { fileMustExist: true, timeout: 0 })
    db.pragma('locking_mode = EXCLUSIVE')
    db.exec('begin exclusive')
    db.exec('commit')
    const result = db.pragma('quick_check(1)', { simple: true })
    return result === 'ok' ? 'healthy' : 'damaged'
  } catch (err) {
    if (isCorruptionError(err)) return 'damaged'
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) return 'in-use'
    throw err
  } finally {
    if (db?.open) db.close()
  }
}

/** Checks a copy of a backup: readable, whole, and of a schema this version knows. */
function checkBackupCopy(path: string, source: string): void {
  let db: Database.Database | null = null
  try {
    db = new Database(path, { fileMustExist: true })
    const result = db.pragma('quick_check(1)', { simple: true })
    if (result !== 'ok') throw new Error(String(result))
    const version = db.pragma('user_version', { simple: true }) as number
    if (version > migrations.length) {
      throw new ServiceError(
        'conflict',
        `The backup ${source} is at schema version ${version}, newer than this LoRA Studio knows (${migrations.length}); update LoRA Studio to restore it.`
      )
    }
  } catch (err) {
    if (err instanceof ServiceError) throw err
    throw new ServiceError(
      'invalid_input',
      `The backup ${source} is itself damaged (${(err as Error).message}); choose another one (lora-studio backups lists them).`,
      [{ path: 'file', message: 'damaged backup' }]
    )
  } finally {
    if (db?.open) db.close()
  }
}

/** The backup file `choice` names: 'latest', a file name in backups/, or a path. */
export function resolveBackup(paths: DataPaths, choice: string): string {
  if (choice === 'latest') {
    const latest = listBackups(paths.backups)[0]
    if (!latest)
      throw new ServiceError('not_found', `There are no backups in ${paths.backups} yet; nothing to restore.`)
    return latest.path
  }
  const path = isAbsolute(choice)
    ? choice
    : existsSync(join(paths.backups, choice))
      ? join(paths.backups, choice)
      : resolve(choice)
  if (!existsSync(path)) {
    throw new ServiceError(
      'not_found',
      `There is no backup ${choice} (looked in ${paths.backups}); lora-studio backups lists them.`,
      [{ path: 'file', message: 'no such backup' }]
    )
  }
  return path
}

function stamp(date: Date): string {
  return date.toISOString().replace(/:/g, '-').replace('.', '-')
}

/** Replaces studio.db with the backup `choice`; see the module comment. Run with the store closed. */
export function restoreDatabase(paths: DataPaths, choice: string, now: Date = new Date()): RestoreResult {
  const backup = resolveBackup(paths, choice)
  const stamped = stamp(now)
  // SQLite deletes (or checkpoints) a WAL when its last connection closes, so the health check below
  // would change the WAL and shared-memory files that belong to the current file: copy them first.
  const sideFiles = ['-wal', '-shm'].filter((suffix) => existsSync(`${paths.database}${suffix}`))
  const copies = sideFiles.map((suffix) => {
    const copy = `${paths.database}.side-${stamped}${suffix}`
    copyFileSync(`${paths.database}${suffix}`, copy)
    return { suffix, copy }
  })
  const dropCopies = () => copies.forEach(({ copy }) => rmSync(copy, { force: true }))
  let health: Health
  try {
    health = currentHealth(paths.database)
  } catch (err) {
    dropCopies()
    throw err
  }
  if (health === 'in-use') {
    dropCopies()
    throw new ServiceError(
      'conflict',
      `${paths.database} is open in another LoRA Studio (the app, serve or a CLI command); quit it, then restore.`
    )
  }
  const staging = `${paths.database}.restore-${process.pid}`
  try {
    copyFileSync(backup, staging)
    checkBackupCopy(staging, backup)
  } catch (err) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${staging}${suffix}`, { force: true })
    dropCopies()
    throw err
  }
  const aside = `${paths.database}.${health === 'damaged' ? 'damaged' : 'before-restore'}-${stamped}`
  if (health !== 'missing') renameSync(paths.database, aside)
  for (const { suffix, copy } of copies) renameSync(copy, `${aside}${suffix}`)
  // What the check left of them is superseded by the copies taken before it; beside the restored file it would corrupt it.
  for (const suffix of ['-wal', '-shm']) rmSync(`${paths.database}${suffix}`, { force: true })
  renameSync(staging, paths.database)
  return {
    restored: backup,
    setAside: health === 'missing' ? null : aside,
    previousDamaged: health === 'damaged'
  }
}
