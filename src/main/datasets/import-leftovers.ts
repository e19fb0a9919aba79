// What an import (or a dataset delete) killed mid-way (kill -9, a crash, power loss) leaves behind,
// cleared at start: spool files in <data>/tmp and pending dataset rows (unpublished or half-deleted).
// Both carry the owning process's pid; only those of processes that are gone are removed, never a
// live one's (a second app instance or the CLI working on the same data folder at the same time).
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { processAlive } from '../process-alive'
import { createDatasetsRepository } from '../store/datasets-repository'
import type { SqliteDatabase } from '../store/database'
import { discardDataset } from './discard-dataset'
import { spoolOwner } from './spool-file'
import { folderNames } from '../folder-names'

export interface SweptLeftovers {
  /** Spool files removed, by name. */
  files: string[]
  /** Unfinished datasets removed, by name. */
  datasets: string[]
}

const gone = (pid: number): boolean => pid !== process.pid && !processAlive(pid)

function sweepSpoolFiles(tmpDir: string): string[] {
  const removed: string[] = []
  for (const name of folderNames(tmpDir)) {
    const pid = spoolOwner(name)
    if (pid === null || !gone(pid)) continue
    rmSync(join(tmpDir, name), { force: true })
    removed.push(name)
  }
  return removed
}

export async function sweepImportLeftovers(db: SqliteDatabase, tmpDir: string): Promise<SweptLeftovers> {
  const files = sweepSpoolFiles(tmpDir)
  const datasets: string[] = []
  for (const staged of createDatasetsRepository(db).staged()) {
    if (!gone(staged.pid)) continue
    await discardDataset(db, staged.id)
    datasets.push(staged.name)
  }
  return { files, datasets }
}
