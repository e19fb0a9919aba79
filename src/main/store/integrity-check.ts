// The check made each time the store opens, so a damaged studio.db is named at once rather than
// surfacing later as a malformed-image error in some query. PRAGMA quick_check reads every page:
// ~15 ms for a database holding 100k metric rows (8 MB), ~40 ms at 60 MB on this machine; above
// FULL_CHECK_LIMIT_BYTES it would pass the ~200 ms budget, so a larger file gets the cheaper form
// (header and size consistency, the schema, and the first and last row of every table).
import { existsSync, statSync } from 'node:fs'
import type { SqliteDatabase } from './database'
import { DatabaseDamagedError, isCorruptionError } from './damaged-database'

export const FULL_CHECK_LIMIT_BYTES = 256 * 1024 * 1024

export interface IntegrityReport {
  kind: 'quick_check' | 'cheap'
  ms: number
}

function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0
}

/** Problems PRAGMA quick_check reports, or none ('ok'). */
function quickCheck(db: SqliteDatabase): string[] {
  const rows = db.pragma('quick_check(5)') as { quick_check: string }[]
  const lines = rows.map((r) => r.quick_check)
  return lines.length === 1 && lines[0] === 'ok' ? [] : lines
}

/** Truncation (the file is shorter than its page count says, with no WAL to hold the rest) and reachable B-trees. */
function cheapCheck(db: SqliteDatabase, path: string): string[] {
  const pageSize = db.pragma('page_size', { simple: true }) as number
  const pageCount = db.pragma('page_count', { simple: true }) as number
  const size = fileSize(path)
  if (fileSize(`${path}-wal`) === 0 && size < pageSize * pageCount) {
    return [`the file is ${size} bytes but holds ${pageCount} pages of ${pageSize} bytes; it was cut short`]
  }
  const tables = db
    .prepare("select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%'")
    .all() as { name: string; sql: string }[]
  for (const { name, sql } of tables) {
    const quoted = `"${name.replaceAll('"', '""')}"`
    db.prepare(`select * from ${quoted} limit 1`).all()
    if (!/without\s+rowid/i.test(sql)) db.prepare(`select * from ${quoted} order by rowid desc limit 1`).all()
  }
  return []
}

/** Throws DatabaseDamagedError naming `path` when the database is damaged. */
export function checkIntegrity(db: SqliteDatabase, path: string): IntegrityReport {
  const started = performance.now()
  const kind = fileSize(path) + fileSize(`${path}-wal`) <= FULL_CHECK_LIMIT_BYTES ? 'quick_check' : 'cheap'
  let problems: string[]
  try {
    problems = kind === 'quick_check' ? quickCheck(db) : cheapCheck(db, path)
  } catch (err) {
    if (isCorruptionError(err)) throw new DatabaseDamagedError(path, (err as Error).message)
    throw err
  }
  if (problems.length) throw new DatabaseDamagedError(path, `integrity check: ${problems.join('; ')}`)
  return { kind, ms: performance.now() - started }
}
