// The second half of an import: the spooled records written into the dataset row the import
// reserved, in transactions of a few milliseconds that let main answer between them, each record
// given its split; what was written is counted for the dataset's totals and statistics.
import type { NormalizedRecord, SourceLocation } from '../../shared/datasets'
import { createDatasetsRepository, type DatasetTotals } from '../store/datasets-repository'
import type { SqliteDatabase } from '../store/database'
import { inTimeSlices } from '../store/time-slices'
import type { StatisticsAccumulator } from './statistics'

/** One record as the import spools it between reading and writing. */
export interface SpooledRecord {
  record: NormalizedRecord
  location: SourceLocation
  tokens: number
  trained: number
  samples: number
  maxSample: number
  /** From the separate validation files. */
  validation: boolean
}

/**
 * Writes `rows` in order into dataset `datasetId`; `validationFlags[i]` is 1 where the i-th record not
 * from a validation file goes to validation. Adds each record's samples to `stats`.
 */
export async function writeSpooledRecords(
  db: SqliteDatabase,
  datasetId: number,
  rows: Generator<SpooledRecord>,
  validationFlags: Uint8Array,
  stats: StatisticsAccumulator,
  signal?: AbortSignal
): Promise<DatasetTotals> {
  const repo = createDatasetsRepository(db)
  const totals: DatasetTotals = { records: 0, train: 0, validation: 0, tokens: 0 }
  let candidate = 0
  try {
    await inTimeSlices(
      db,
      () => {
        const next = rows.next()
        if (next.done) return false
        const r = next.value
        const split = r.validation || validationFlags[candidate++] === 1 ? 'validation' : 'train'
        stats.addSamples(split, r)
        repo.addRecords(datasetId, [
          {
            ordinal: totals.records,
            split,
            location: r.location,
            record: r.record,
            tokens: r.tokens,
            trainedTokens: r.trained
          }
        ])
        totals.records++
        totals[split]++
        totals.tokens += r.tokens
        return true
      },
      signal
    )
  } finally {
    rows.return(undefined)
  }
  return totals
}
