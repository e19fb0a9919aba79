// The evaluations table: perplexity results kept with a run, newest last.
import type { PerplexityReport, PerplexityRow, PerplexitySourceInput } from '../../shared/evaluation'
import type { SqliteDatabase } from './database'
import { nowIso } from './database'
import { fromJson, toJson } from './json-column'

export type NewEvaluation = Omit<PerplexityReport, 'id' | 'createdAt'> & { runId: number }

interface Row {
  id: number
  run_id: number
  source_json: string
  source_label: string
  max_length: number
  stride: number
  texts: number
  windows: number
  rows_json: string
  elapsed_ms: number
  created_at: string
}

function toReport(row: Row): PerplexityReport {
  const where = (column: string) => `evaluations id ${row.id} ${column}`
  return {
    id: row.id,
    runId: row.run_id,
    source: fromJson(row.source_json, where('source_json')) as PerplexitySourceInput,
    sourceLabel: row.source_label,
    maxLength: row.max_length,
    stride: row.stride,
    texts: row.texts,
    windows: row.windows,
    rows: fromJson(row.rows_json, where('rows_json')) as PerplexityRow[],
    elapsedMs: row.elapsed_ms,
    createdAt: row.created_at
  }
}

export interface EvaluationsRepository {
  add(evaluation: NewEvaluation): PerplexityReport
  listForRun(runId: number): PerplexityReport[]
}

export function createEvaluationsRepository(db: SqliteDatabase): EvaluationsRepository {
  const insert = db.prepare(
    `insert into evaluations (run_id, source_json, source_label, max_length, stride, texts, windows, rows_json, elapsed_ms, created_at)
     values (@runId, @source, @sourceLabel, @maxLength, @stride, @texts, @windows, @rows, @elapsedMs, @createdAt)`
  )
  const byId = db.prepare<[number], Row>('select * from evaluations where id = ?')
  const byRun = db.prepare<[number], Row>('select * from evaluations where run_id = ? order by id')
  return {
    add(e) {
      const info = insert.run({
        runId: e.runId,
        source: toJson(e.source),
        sourceLabel: e.sourceLabel,
        maxLength: e.maxLength,
        stride: e.stride,
        texts: e.texts,
        windows: e.windows,
        rows: toJson(e.rows),
        elapsedMs: e.elapsedMs,
        createdAt: nowIso()
      })
      return toReport(byId.get(Number(info.lastInsertRowid)) as Row)
    },
    listForRun(runId) {
      return byRun.all(runId).map(toReport)
    }
  }
}
