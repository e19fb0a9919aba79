// Schemas and types of the backups domain: the copies of studio.db kept in <data>/backups, and
// choosing one to restore. A running app cannot swap its open database safely, so a restore chosen
// in Settings is staged and done at the next start, before the database opens.
import { z } from 'zod'

/** studio-<ISO time with - for : and .>[-n].db, as the backups are named. */
export const backupFileName = /^studio-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z(?:-\d+)?\.db$/

/** `file`: a backup's file name to restore at the next start; null cancels a staged restore. */
export const RestoreBackupInput = z.strictObject({
  file: z.string().regex(backupFileName, 'not the name of a backup (studio-<time>.db)').nullable()
})

export interface BackupSummary {
  file: string
  /** ISO-8601 time the backup was made. */
  createdAt: string
  bytes: number
}

export interface BackupsInfo {
  /** The backups folder. */
  dir: string
  /** How many are kept. */
  keep: number
  /** Newest first. */
  backups: BackupSummary[]
  /** The backup that will replace studio.db at the next start, if one was chosen. */
  pendingRestore: string | null
  /** What happened to the restore staged before this start, if there was one. */
  lastRestore: { ok: boolean; message: string } | null
}
