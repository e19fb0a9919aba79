// The datasets and dataset_records tables: an imported dataset (its settings, statistics and
// validation report as JSON) and its normalized records, written in one transaction per import.
import type { SqliteDatabase } from './database'
import { nowIso } from './database'
import { fromJson, fromJsonOrNull, toJson } from './json-column'

export type DatasetFormatKind = 'text' | 'instruction' | 'chat'
export type RecordSplit = 'train' | 'validation'

export interface NewDataset {
  name: string
  format: DatasetFormatKind
  settings: unknown
  statistics?: unknown
  report?: unknown
  sources: string[]
}

export interface StoredDataset {
  id: number
  name: string
  format: DatasetFormatKind
  settings: unknown
  statistics: unknown
  report: unknown
  sources: string[]
  recordCount: number
  trainCount: number
  validationCount: number
  totalTokens: number
  createdAt: string
}

export interface NewDatasetRecord {
  ordinal: number
  split: RecordSplit
  location: unknown
  record: unknown
  tokens: number
  trainedTokens: number
}

export interface StoredDatasetRecord extends NewDatasetRecord {
  id: number
  datasetId: number
}

interface DatasetRow {
  id: number
  name: string
  format: DatasetFormatKind
  settings_json: string
  statistics_json: string | null
  report_json: string | null
  sources_json: string
  record_count: number
  train_count: number
  validation_count: number
  total_tokens: number
  created_at: string
}

interface RecordRow {
  id: number
  dataset_id: number
  ordinal: number
  split: RecordSplit
  location_json: string
  record_json: string
  tokens: number
  trained_tokens: number
}

function toDataset(row: DatasetRow): StoredDataset {
  const where = (column: string) => `datasets id ${row.id} ${column}`
  return {
    id: row.id,
    name: row.name,
    format: row.format,
    settings: fromJson(row.settings_json, where('settings_json')),
    statistics: fromJsonOrNull(row.statistics_json, where('statistics_json')),
    report: fromJsonOrNull(row.report_json, where('report_json')),
    sources: fromJson(row.sources_json, where('sources_json')) as string[],
    recordCount: row.record_count,
    trainCount: row.train_count,
    validationCount: row.validation_count,
    totalTokens: row.total_tokens,
    createdAt: row.created_at
  }
}

function toRecord(row: RecordRow): StoredDatasetRecord {
  const where = (column: string) => `dataset_records id ${row.id} ${column}`
  return {
    id: row.id,
    datasetId: row.dataset_id,
    ordinal: row.ordinal,
    split: row.split,
    location: fromJson(row.location_json, where('location_json')),
    record: fromJson(row.record_json, where('record_json')),
    tokens: row.tokens,
    trainedTokens: row.trained_tokens
  }
}

export interface RecordQuery {
  split?: RecordSplit
  offset?: number
  limit?: number
}

export interface DatasetsRepository {
  /** Creates the dataset with all its records in one transaction: all of it is stored, or nothing. */
  createWithRecords(dataset: NewDataset, records: Iterable<NewDatasetRecord>): StoredDataset
  /** For streaming imports: call inside `store.transaction` with batches of records. */
  create(dataset: NewDataset): StoredDataset
  addRecords(datasetId: number, records: Iterable<NewDatasetRecord>): void
  /** Recomputes record/train/validation/token counts from the stored records and saves statistics and report. */
  finish(datasetId: number, statistics: unknown, report: unknown): StoredDataset
  get(id: number): StoredDataset | null
  list(): StoredDataset[]
  rename(id: number, name: string): StoredDataset | null
  delete(id: number): boolean
  records(datasetId: number, query?: RecordQuery): StoredDatasetRecord[]
  countRecords(datasetId: number, split?: RecordSplit): number
  record(id: number): StoredDatasetRecord | null
}

export function createDatasetsRepository(db: SqliteDatabase): DatasetsRepository {
  const insert = db.prepare(
    `insert into datasets (name, format, settings_json, statistics_json, report_json, sources_json, created_at)
     values (@name, @format, @settings, @statistics, @report, @sources, @createdAt)`
  )
  const insertRecord = db.prepare(
    `insert into dataset_records (dataset_id, ordinal, split, location_json, record_json, tokens, trained_tokens)
     values (@datasetId, @ordinal, @split, @location, @record, @tokens, @trainedTokens)`
  )
  const updateTotals = db.prepare<[string | null, string | null, number]>(
    `update datasets set
       statistics_json = ?,
       report_json = ?,
       record_count = (select count(*) from dataset_records r where r.dataset_id = datasets.id),
       train_count = (select count(*) from dataset_records r where r.dataset_id = datasets.id and r.split = 'train'),
       validation_count = (select count(*) from dataset_records r where r.dataset_id = datasets.id and r.split = 'validation'),
       total_tokens = (select coalesce(sum(tokens), 0) from dataset_records r where r.dataset_id = datasets.id)
     where id = ?`
  )
  const byId = db.prepare<[number], DatasetRow>('select * from datasets where id = ?')
  const all = db.prepare<[], DatasetRow>('select * from datasets order by id desc')
  const setName = db.prepare<[string, number]>('update datasets set name = ? where id = ?')
  const remove = db.prepare<[number]>('delete from datasets where id = ?')
  const recordById = db.prepare<[number], RecordRow>('select * from dataset_records where id = ?')
  const page = db.prepare<[number, string | null, string | null, number, number], RecordRow>(
    `select * from dataset_records where dataset_id = ? and (? is null or split = ?)
     order by ordinal limit ? offset ?`
  )
  const count = db.prepare<[number, string | null, string | null], { n: number }>(
    'select count(*) as n from dataset_records where dataset_id = ? and (? is null or split = ?)'
  )

  function create(dataset: NewDataset): StoredDataset {
    const info = insert.run({
      name: dataset.name,
      format: dataset.format,
      settings: toJson(dataset.settings),
      statistics: dataset.statistics === undefined ? null : toJson(dataset.statistics),
      report: dataset.report === undefined ? null : toJson(dataset.report),
      sources: toJson(dataset.sources),
      createdAt: nowIso()
    })
    return toDataset(byId.get(Number(info.lastInsertRowid)) as DatasetRow)
  }

  function addRecords(datasetId: number, records: Iterable<NewDatasetRecord>): void {
    for (const r of records) {
      insertRecord.run({
        datasetId,
        ordinal: r.ordinal,
        split: r.split,
        location: toJson(r.location),
        record: toJson(r.record),
        tokens: r.tokens,
        trainedTokens: r.trainedTokens
      })
    }
  }

  function finish(datasetId: number, statistics: unknown, report: unknown): StoredDataset {
    updateTotals.run(
      statistics === undefined ? null : toJson(statistics),
      report === undefined ? null : toJson(report),
      datasetId
    )
    const row = byId.get(datasetId)
    if (!row) throw new Error(`Dataset ${datasetId} does not exist`)
    return toDataset(row)
  }

  const createWithRecords = db.transaction((dataset: NewDataset, records: Iterable<NewDatasetRecord>) => {
    const created = create(dataset)
    addRecords(created.id, records)
    return finish(created.id, dataset.statistics, dataset.report)
  })

  return {
    createWithRecords: (dataset, records) => createWithRecords(dataset, records),
    create,
    addRecords,
    finish,
    get(id) {
      const row = byId.get(id)
      return row ? toDataset(row) : null
    },
    list() {
      return all.all().map(toDataset)
    },
    rename(id, name) {
      setName.run(name, id)
      const row = byId.get(id)
      return row ? toDataset(row) : null
    },
    delete(id) {
      return remove.run(id).changes > 0
    },
    records(datasetId, query = {}) {
      const split = query.split ?? null
      return page.all(datasetId, split, split, query.limit ?? -1, query.offset ?? 0).map(toRecord)
    },
    countRecords(datasetId, split) {
      return (count.get(datasetId, split ?? null, split ?? null) as { n: number }).n
    },
    record(id) {
      const row = recordById.get(id)
      return row ? toRecord(row) : null
    }
  }
}
