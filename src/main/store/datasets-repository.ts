// The datasets and dataset_records tables: an imported dataset (its settings, statistics and
// validation report as JSON) and its normalized records. An import reserves its row (and so its
// unique name) first, marked with its process's pid, writes the records in short transactions and
// publishes the row at the end; a delete hides the row first and removes records in steps. Only
// published rows are read back, so none is seen half-imported or half-deleted.
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

/** What an import counted while writing its records, saved with the published dataset. */
export interface DatasetTotals {
  records: number
  train: number
  validation: number
  tokens: number
}

/** A dataset row hidden while an import writes it or a delete removes it; `pid` is that process. */
export interface StagedDataset {
  id: number
  name: string
  pid: number
}

/** Thrown when a dataset name is taken (by a saved dataset or one being imported). */
export class DatasetNameTaken extends Error {
  constructor(readonly datasetName: string) {
    super(`A dataset named "${datasetName}" already exists`)
    this.name = 'DatasetNameTaken'
  }
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
  /** For streaming imports: reserves the row (and its name) for process `pid`, unseen until `publish`. */
  reserve(dataset: NewDataset, pid: number): StagedDataset
  addRecords(datasetId: number, records: Iterable<NewDatasetRecord>): void
  /** Saves statistics, report and totals and makes the reserved dataset visible. */
  publish(datasetId: number, totals: DatasetTotals, statistics: unknown, report: unknown): StoredDataset
  /** Deletes up to `limit` records of a dataset; returns how many (0 when none are left). */
  deleteRecords(datasetId: number, limit: number): number
  /** Deletes the dataset row itself (after `deleteRecords` has emptied it, this is quick). */
  deleteRow(datasetId: number): void
  /** Hides a published dataset for process `pid` to delete it in steps; false if it is not published. */
  hide(datasetId: number, pid: number): boolean
  /** Datasets an import reserved and has not published, or hidden to be deleted, with the owning pid. */
  staged(): StagedDataset[]
  /** Whether a saved dataset or an import in progress uses this name. */
  nameTaken(name: string): boolean
  /** Published datasets only. */
  get(id: number): StoredDataset | null
  list(): StoredDataset[]
  rename(id: number, name: string): StoredDataset | null
  records(datasetId: number, query?: RecordQuery): StoredDatasetRecord[]
  countRecords(datasetId: number, split?: RecordSplit): number
  record(id: number): StoredDatasetRecord | null
}

export function createDatasetsRepository(db: SqliteDatabase): DatasetsRepository {
  const insert = db.prepare(
    `insert into datasets (name, format, settings_json, statistics_json, report_json, sources_json, created_at, pending_pid)
     values (@name, @format, @settings, @statistics, @report, @sources, @createdAt, @pid)`
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
  const publishRow = db.prepare(
    `update datasets set statistics_json = @statistics, report_json = @report, record_count = @records,
       train_count = @train, validation_count = @validation, total_tokens = @tokens, pending_pid = null
     where id = @id and pending_pid is not null`
  )
  const byId = db.prepare<[number], DatasetRow>('select * from datasets where id = ? and pending_pid is null')
  const all = db.prepare<[], DatasetRow>('select * from datasets where pending_pid is null order by id desc')
  const stagedRows = db.prepare<[], { id: number; name: string; pid: number }>(
    'select id, name, pending_pid as pid from datasets where pending_pid is not null order by id'
  )
  const hideRow = db.prepare<[number, number]>(
    'update datasets set pending_pid = ? where id = ? and pending_pid is null'
  )
  const byName = db.prepare<[string], { id: number }>('select id from datasets where name = ?')
  const removeRecords = db.prepare<[number, number]>(
    'delete from dataset_records where id in (select id from dataset_records where dataset_id = ? limit ?)'
  )
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

  /** Inserts the row; a taken name throws DatasetNameTaken (the UNIQUE index decides, so races cannot both win). */
  function insertRow(dataset: NewDataset, pid: number | null): number {
    try {
      const info = insert.run({
        name: dataset.name,
        format: dataset.format,
        settings: toJson(dataset.settings),
        statistics: dataset.statistics === undefined ? null : toJson(dataset.statistics),
        report: dataset.report === undefined ? null : toJson(dataset.report),
        sources: toJson(dataset.sources),
        createdAt: nowIso(),
        pid
      })
      return Number(info.lastInsertRowid)
    } catch (err) {
      if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw new DatasetNameTaken(dataset.name)
      throw err
    }
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
    const id = insertRow(dataset, null)
    addRecords(id, records)
    return finish(id, dataset.statistics, dataset.report)
  })

  return {
    createWithRecords: (dataset, records) => createWithRecords(dataset, records),
    reserve(dataset, pid) {
      const id = insertRow(dataset, pid)
      return { id, name: dataset.name, pid }
    },
    addRecords,
    publish(datasetId, totals, statistics, report) {
      const changed = publishRow.run({
        id: datasetId,
        statistics: toJson(statistics),
        report: toJson(report),
        records: totals.records,
        train: totals.train,
        validation: totals.validation,
        tokens: totals.tokens
      }).changes
      const row = byId.get(datasetId)
      if (changed !== 1 || !row) throw new Error(`Dataset ${datasetId} is not an import in progress`)
      return toDataset(row)
    },
    deleteRecords(datasetId, limit) {
      return removeRecords.run(datasetId, limit).changes
    },
    deleteRow(datasetId) {
      remove.run(datasetId)
    },
    hide(datasetId, pid) {
      return hideRow.run(pid, datasetId).changes === 1
    },
    staged() {
      return stagedRows.all()
    },
    nameTaken(name) {
      return byName.get(name) !== undefined
    },
    get(id) {
      const row = byId.get(id)
      return row ? toDataset(row) : null
    },
    list() {
      return all.all().map(toDataset)
    },
    rename(id, name) {
      try {
        setName.run(name, id)
      } catch (err) {
        if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new DatasetNameTaken(name)
        throw err
      }
      const row = byId.get(id)
      return row ? toDataset(row) : null
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
