// When studio.db is backed up: once at start (skipped when nothing changed since the newest backup, so
// a series of CLI commands does not push the older backups out) and after each run that ends. One
// backup at a time; a request made during one runs once it is done; close waits for it.
import { existsSync, statSync } from 'node:fs'
import { createBackup, listBackups, type BackupFile } from './backups'
import type { Store } from './store'

export interface BackupSchedule {
  /** Backs up now unless the newest backup is at least as recent as the database's last write. */
  atStart(): Promise<BackupFile | null>
  /** Backs up (after the one in progress, if any). */
  request(): Promise<BackupFile | null>
  /** Resolves when no backup is in progress. */
  idle(): Promise<void>
}

/** The database's last write: the file's mtime, or its WAL's when the WAL holds frames (an empty one is made at open). */
function lastWriteMs(path: string): number {
  const times = ['', '-wal'].map((suffix) => {
    const file = `${path}${suffix}`
    if (!existsSync(file)) return 0
    const stat = statSync(file)
    return suffix && stat.size === 0 ? 0 : stat.mtimeMs
  })
  return Math.max(...times)
}

export function createBackupSchedule(
  store: Store,
  dir: string,
  onError: (err: unknown) => void
): BackupSchedule {
  let chain: Promise<BackupFile | null> = Promise.resolve(null)
  let queued: Promise<BackupFile | null> | null = null

  function run(): Promise<BackupFile | null> {
    if (queued) return queued
    const next = chain.then(() => {
      queued = null
      if (!store.db.open) return null
      return createBackup(store.db, dir).catch((err: unknown) => {
        onError(err)
        return null
      })
    })
    queued = next
    chain = next
    return next
  }

  return {
    atStart() {
      // Fold the WAL into the file first, so its mtime says when the data last changed: a session that
      // only reads then leaves it untouched, and the next start need not copy the same data again.
      store.db.pragma('wal_checkpoint(TRUNCATE)')
      const newest = listBackups(dir)[0]
      if (newest && statSync(newest.path).mtimeMs >= lastWriteMs(store.path)) return Promise.resolve(null)
      return run()
    },
    request: run,
    async idle() {
      await chain
    }
  }
}
