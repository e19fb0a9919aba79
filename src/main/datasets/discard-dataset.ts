// Deletes a dataset an import reserved but did not finish (failed, cancelled, or its process killed):
// its records go in short transactions that yield to the event loop, as a large import's would be
// too many to delete in one without freezing main, then the row itself.
import { createDatasetsRepository } from '../store/datasets-repository'
import type { SqliteDatabase } from '../store/database'
import { inTimeSlices } from '../store/time-slices'

const RECORDS_PER_STEP = 200

export async function discardDataset(db: SqliteDatabase, datasetId: number): Promise<void> {
  const repo = createDatasetsRepository(db)
  await inTimeSlices(db, () => repo.deleteRecords(datasetId, RECORDS_PER_STEP) > 0)
  repo.deleteRow(datasetId)
}
