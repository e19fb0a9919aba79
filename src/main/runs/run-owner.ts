// Records which process trains each run (runs.owner_pid, migration 002) and finds runs left
// `running` by a process that no longer exists, so only those are marked interrupted.
import { processAlive } from '../process-alive'
import type { SqliteDatabase } from '../store/database'

export function claimRun(db: SqliteDatabase, runId: number, pid: number = process.pid): void {
  db.prepare('update runs set owner_pid = ? where id = ?').run(pid, runId)
}

/** Runs in `statuses` whose owner process is gone (or unknown), excluding this process's own. */
export function orphanedRuns(db: SqliteDatabase, statuses: readonly string[]): number[] {
  const rows = db
    .prepare<unknown[], { id: number; owner_pid: number | null }>(
      `select id, owner_pid from runs where status in (${statuses.map(() => '?').join(', ')})`
    )
    .all(...statuses)
  return rows
    .filter((r) => r.owner_pid !== process.pid && (r.owner_pid === null || !processAlive(r.owner_pid)))
    .map((r) => r.id)
}
