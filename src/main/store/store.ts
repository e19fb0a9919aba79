// The app's store: one SQLite database brought to the current schema, with a repository per
// table group. Main opens one Store per data folder; nothing else touches the database file.
import { statSync } from 'node:fs'
import { createChatsRepository, type ChatsRepository } from './chats-repository'
import { openDatabase, sqliteVersion, type SqliteDatabase } from './database'
import { asDamaged } from './damaged-database'
import { createDatasetsRepository, type DatasetsRepository } from './datasets-repository'
import { checkIntegrity, type IntegrityReport } from './integrity-check'
import { migrate, type MigrationResult } from './migrate'
import type { Migration } from './migrations/migration'
import { migrations as allMigrations } from './migrations'
import { createModelsRepository, type ModelsRepository } from './models-repository'
import { createRunsRepository, type RunsRepository } from './runs-repository'
import { createSettingsRepository, type SettingsRepository } from './settings-repository'

export interface Store {
  readonly path: string
  /** The raw connection, for repositories added later and for transactions across repositories. */
  readonly db: SqliteDatabase
  readonly migration: MigrationResult
  /** The integrity check made at open (which form, how long it took). */
  readonly integrity: IntegrityReport
  readonly settings: SettingsRepository
  readonly models: ModelsRepository
  readonly datasets: DatasetsRepository
  readonly runs: RunsRepository
  readonly chats: ChatsRepository
  /** Runs `fn` in one transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T
  sqliteVersion(): string
  /** Bytes on disk: the database file plus its -wal and -shm files. */
  sizeBytes(): number
  close(): void
}

export interface OpenStoreOptions {
  /** For tests of the migration runner; the app always uses the full list. */
  migrations?: readonly Migration[]
}

function fileSize(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

/**
 * Opens the database at `path`, checks its integrity and brings it to the current schema. A damaged
 * file fails with DatabaseDamagedError, which names the file and how to restore a backup.
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  let db: SqliteDatabase | null = null
  let migration: MigrationResult
  let integrity: IntegrityReport
  try {
    db = openDatabase(path)
    integrity = checkIntegrity(db, path)
    migration = migrate(db, options.migrations ?? allMigrations)
  } catch (err) {
    if (db?.open) db.close()
    throw asDamaged(err, path)
  }
  return {
    path,
    db,
    migration,
    integrity,
    settings: createSettingsRepository(db),
    models: createModelsRepository(db),
    datasets: createDatasetsRepository(db),
    runs: createRunsRepository(db),
    chats: createChatsRepository(db),
    transaction: (fn) => db.transaction(fn)(),
    sqliteVersion: () => sqliteVersion(db),
    sizeBytes: () => fileSize(path) + fileSize(`${path}-wal`) + fileSize(`${path}-shm`),
    close: () => {
      if (db.open) db.close()
    }
  }
}
