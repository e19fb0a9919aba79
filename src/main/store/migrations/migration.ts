// The shape of one schema migration. Each lives in its own numbered file (001-…, 002-…) and is
// listed in migrations/index.ts; it runs once, inside a transaction, and is never edited after release.
import type { SqliteDatabase } from '../database'

export interface Migration {
  /** 1, 2, 3…: the file's number; applied in order, each exactly once. */
  version: number
  /** Short description, recorded in schema_migrations. */
  name: string
  up(db: SqliteDatabase): void
}
