// Opens the app's SQLite database the one way every part of main uses it: WAL journal (readers
// never block the writer), foreign keys enforced, and a busy timeout instead of instant errors.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

export type SqliteDatabase = Database.Database

export function openDatabase(path: string): SqliteDatabase {
  mkdirSync(dirname(path), { recursive: true })
  let db: SqliteDatabase
  try {
    db = new Database(path)
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err)
    throw new Error(
      `Cannot open the database ${path}: ${why}. Check that the folder is writable, or choose another data folder`
    )
  }
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    db.pragma('synchronous = NORMAL')
  } catch (err) {
    // The first read of the file: a damaged one fails here (the caller names it).
    db.close()
    throw err
  }
  return db
}

export function sqliteVersion(db: SqliteDatabase): string {
  return (db.prepare('select sqlite_version() as v').get() as { v: string }).v
}

/** ISO-8601 UTC timestamp, the one time format stored in the database. */
export function nowIso(): string {
  return new Date().toISOString()
}
