// Pages through a dataset's records with an optional text search, for the records browser; the
// search matches the record's content as stored (JSON), so quotes and newlines are escaped first.
import type { DatasetRecordRow, NormalizedRecord, RecordsPage, SourceLocation } from '../../shared/datasets'
import type { SqliteDatabase } from '../store/database'

interface RecordRow {
  id: number
  ordinal: number
  split: 'train' | 'validation'
  location_json: string
  record_json: string
  tokens: number
  trained_tokens: number
}

function likePattern(search: string): string {
  const inJson = JSON.stringify(search).slice(1, -1)
  return `%${inJson.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

export function toRecordRow(row: RecordRow): DatasetRecordRow {
  return {
    id: row.id,
    index: row.ordinal,
    split: row.split,
    location: JSON.parse(row.location_json) as SourceLocation,
    record: JSON.parse(row.record_json) as NormalizedRecord,
    tokens: row.tokens,
    trainedTokens: row.trained_tokens
  }
}

export function searchRecords(
  db: SqliteDatabase,
  datasetId: number,
  page: { offset: number; limit: number; search?: string; split?: 'train' | 'validation' }
): RecordsPage {
  const where = ['dataset_id = ?']
  const params: (string | number)[] = [datasetId]
  if (page.split) {
    where.push('split = ?')
    params.push(page.split)
  }
  if (page.search && page.search.trim() !== '') {
    where.push(`record_json like ? escape '\\'`)
    params.push(likePattern(page.search))
  }
  const clause = where.join(' and ')
  const { n } = db.prepare(`select count(*) as n from dataset_records where ${clause}`).get(...params) as {
    n: number
  }
  const rows = db
    .prepare(
      `select id, ordinal, split, location_json, record_json, tokens, trained_tokens from dataset_records
       where ${clause} order by ordinal limit ? offset ?`
    )
    .all(...params, page.limit, page.offset) as RecordRow[]
  return { total: n, offset: page.offset, items: rows.map(toRecordRow) }
}
