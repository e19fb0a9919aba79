// Brings a database to the current schema: applies each pending migration in its own transaction
// (a failure leaves the database at the previous version, untouched) and records it in
// schema_migrations and PRAGMA user_version.
import type { SqliteDatabase } from './database'
import { nowIso } from './database'
import type { Migration } from './migrations/migration'

export interface MigrationResult {
  from: number
  to: number
  applied: { version: number; name: string }[]
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(
        `Migration "${m.name}" has version ${m.version} but is listed at position ${i + 1} in ` +
          'src/main/store/migrations/index.ts; versions must be 1, 2, 3… in order with no gaps or duplicates'
      )
    }
  })
}

export function currentVersion(db: SqliteDatabase): number {
  return db.pragma('user_version', { simple: true }) as number
}

export function migrate(db: SqliteDatabase, migrations: readonly Migration[]): MigrationResult {
  checkOrder(migrations)
  db.exec(`create table if not exists schema_migrations (
    version integer primary key,
    name text not null,
    applied_at text not null
  )`)
  const from = currentVersion(db)
  const latest = migrations.length
  if (from > latest) {
    throw new Error(
      `The database is at schema version ${from}, newer than this LoRA Studio knows (${latest}); ` +
        'update LoRA Studio, or use another data folder'
    )
  }
  const record = db.prepare('insert into schema_migrations (version, name, applied_at) values (?, ?, ?)')
  const applied: MigrationResult['applied'] = []
  for (const m of migrations.slice(from)) {
    const apply = db.transaction(() => {
      m.up(db)
      record.run(m.version, m.name, nowIso())
      db.pragma(`user_version = ${m.version}`)
    })
    try {
      apply()
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err)
      throw new Error(
        `Database migration ${String(m.version).padStart(3, '0')} (${m.name}) failed: ${why}. ` +
          `The database was left at version ${currentVersion(db)}, unchanged by it`
      )
    }
    applied.push({ version: m.version, name: m.name })
  }
  return { from, to: currentVersion(db), applied }
}
