// Records which process trains each run (runs.owner_pid, migration 002) and finds runs left in a
// status a live process holds (src/shared/run-states.ts) by a process that no longer exists, so only
// those are marked interrupted.
import { ownedStatuses } from '../../shared/run-states'
import type { RunStatusName } from '../../shared/runs'
import { processAlive } from '../process-alive'
import type { SqliteDatabase } from '../store/database'

export function claimRun(db: SqliteDatabase, runId: number, pid: number = process.pid): void {
  db.prepare('update runs set owner_pid = ? where id = ?').run(pid, runId)
}

/** Runs in an owned status whose owner process is gone (or unknown), excluding this process's own. */
export function orphanedRuns(db: SqliteDatabase): { id: number; status: RunStatusName }[] {
  const rows = db
    .prepare<unknown[], { id: number; status: RunStatusName; owner_pid: number | null }>(
      `select id, status, owner_pid from runs where status in (${ownedStatuses.map(() => '?').join(', ')})`
    )
    .all(...ownedStatuses)
  return rows
    .filter((r) => r.owner_pid !== process.pid && (r.owner_pid === null || !processAlive(r.owner_pid)))
    .map(({ id, status }) => ({ id, status }))
}
