// Builds the token samples a training run feeds the model from a stored dataset, with the settings
// it was imported with: the same template, mask, truncation and packing as its statistics counted.
// Records are read a page at a time and samples made as they are iterated, so a large dataset is
// never held in memory.
import type { DatasetSettings, NormalizedRecord, TemplateSpec } from '../../shared/datasets'
import { ServiceError } from '../../shared/errors'
import { createDatasetsRepository, type RecordSplit } from '../store/datasets-repository'
import type { SqliteDatabase } from '../store/database'
import { fromJson } from '../store/json-column'
import { fitRecord, Packer } from './packing'
import type { TextTokenizer } from './text-tokenizer'
import { tokenizeRecord, type TokenizedSample } from './tokenize-record'

/** Records read per query: each page is read whole, so no statement stays open between samples. */
export const RECORDS_PER_PAGE = 256

/** One split's samples, made anew on each iteration (reading the records again). */
export interface SampleSource extends Iterable<TokenizedSample> {
  /** Stored records in the split (samples can be more when split, fewer when packed or dropped). */
  readonly records: number
}

export interface TrainingSampleStream {
  train: SampleSource
  validation: SampleSource
  /** The dataset's template, for chat to format prompts the way the model was trained. */
  template: TemplateSpec
  maxLength: number
}

export function* samplesOf(
  records: Iterable<NormalizedRecord>,
  settings: DatasetSettings,
  tokenizer: TextTokenizer
): Generator<TokenizedSample> {
  const packer =
    settings.format === 'text' && settings.textMode === 'pack' ? new Packer(settings.maxLength) : null
  for (const record of records) {
    const sample = tokenizeRecord(record, settings.template, tokenizer, settings.trainOnPrompt)
    if (packer) {
      yield* packer.push(sample.inputIds)
      continue
    }
    const fit = fitRecord(sample, record.kind === 'text', settings)
    if (fit.kind !== 'dropped') yield* fit.samples
  }
  if (packer) yield* packer.flush()
}

/** A split's records in order, read by ordinal a page at a time (keyset paging on the split index). */
function* storedRecords(
  db: SqliteDatabase,
  datasetId: number,
  split: RecordSplit
): Generator<NormalizedRecord> {
  const page = db.prepare<
    [number, RecordSplit, number, number],
    { id: number; ordinal: number; record_json: string }
  >(
    `select id, ordinal, record_json from dataset_records
     where dataset_id = ? and split = ? and ordinal > ? order by ordinal limit ?`
  )
  for (let after = -1; ;) {
    const rows = page.all(datasetId, split, after, RECORDS_PER_PAGE)
    for (const row of rows)
      yield fromJson(row.record_json, `dataset_records id ${row.id} record_json`) as NormalizedRecord
    if (rows.length < RECORDS_PER_PAGE) return
    after = rows[rows.length - 1].ordinal
  }
}

export function streamTrainingSamples(
  db: SqliteDatabase,
  datasetId: number,
  tokenizer: TextTokenizer
): TrainingSampleStream {
  const repo = createDatasetsRepository(db)
  const dataset = repo.get(datasetId)
  if (!dataset)
    throw new ServiceError(
      'not_found',
      `Dataset ${datasetId} does not exist; choose another dataset for the run.`
    )
  const settings = dataset.settings as DatasetSettings
  const source = (split: RecordSplit): SampleSource => ({
    records: split === 'train' ? dataset.trainCount : dataset.validationCount,
    [Symbol.iterator]: () => samplesOf(storedRecords(db, datasetId, split), settings, tokenizer)
  })
  return {
    train: source('train'),
    validation: source('validation'),
    template: settings.template,
    maxLength: settings.maxLength
  }
}
