// Copies of studio.db in <data>/backups/studio-<timestamp>.db, made with SQLite's online backup
// (consistent while the app writes), written under a temporary name and renamed, the newest few kept.
import { existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { SqliteDatabase } from './database'
import { folderNames } from '../folder-names'

/** How many backups are kept; older ones are removed after each new one. */
export const KEEP_BACKUPS = 5

export interface BackupFile {
  /** The file name, e.g. studio-2026-12-06T09-41-07-120Z.db. */
  file: string
  path: string
  /** ISO-8601 time the backup was made (from its name). */
  createdAt: string
  bytes: number
}

const namePattern = /^studio-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z(?:-(\d+))?\.db$/

function stamp(date: Date): string {
  return date.toISOString().replace(/:/g, '-').replace('.', '-')
}

function createdAtOf(file: string): string | null {
  const m = namePattern.exec(file)
  return m ? `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z` : null
}

/** Backups in `dir`, newest first. */
export function listBackups(dir: string): BackupFile[] {
  const out: BackupFile[] = []
  for (const file of folderNames(dir)) {
    const createdAt = createdAtOf(file)
    if (!createdAt) continue
    const path = join(dir, file)
    out.push({ file, path, createdAt, bytes: statSync(path).size })
  }
  const order = (b: BackupFile) => `${b.createdAt}#${(namePattern.exec(b.file)?.[6] ?? '1').padStart(6, '0')}`
  return out.sort((a, b) => (order(a) < order(b) ? 1 : order(a) > order(b) ? -1 : 0))
}

/** Removes all but the newest `keep` backups; returns the removed file names. */
export function pruneBackups(dir: string, keep: number = KEEP_BACKUPS): string[] {
  const old = listBackups(dir).slice(keep)
  for (const b of old) rmSync(b.path, { force: true })
  return old.map((b) => b.file)
}

/** Writes a backup of `db` into `dir` (temp name, then rename) and prunes to the newest `keep`. */
export async function createBackup(
  db: SqliteDatabase,
  dir: string,
  options: { keep?: number; now?: Date } = {}
): Promise<BackupFile> {
  await mkdir(dir, { recursive: true })
  const base = `studio-${stamp(options.now ?? new Date())}`
  let file = `${base}.db`
  for (let n = 2; existsSync(join(dir, file)); n++) file = `${base}-${n}.db`
  const path = join(dir, file)
  const tmp = join(dir, `.${file}.tmp-${process.pid}`)
  try {
    await db.backup(tmp)
    renameSync(tmp, path)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
  pruneBackups(dir, options.keep ?? KEEP_BACKUPS)
  return { file, path, createdAt: createdAtOf(file) as string, bytes: statSync(path).size }
}
