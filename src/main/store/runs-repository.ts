// The runs, metrics and checkpoints tables: a training run with its full config, its status and
// timings, every logged step (one row per step; train and eval values merge), and its checkpoints.
import type { SqliteDatabase } from './database'
import { nowIso } from './database'
import { fromJson, fromJsonOrNull, toJson } from './json-column'

export type StoredRunStatus =
  'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'stopped' | 'interrupted'
export type StoredCheckpointReason = 'periodic' | 'pause' | 'stop' | 'final' | 'failure' | 'quit' | 'best'

export interface NewRun {
  name: string
  status?: StoredRunStatus
  config: unknown
  baseModel: string
  modelId?: number | null
  datasetId?: number | null
  parentRunId?: number | null
  /** The parent's step at the continue point. */
  parentStep?: number | null
  totalSteps?: number | null
  estimate?: unknown
}

export interface StoredRun {
  id: number
  name: string
  status: StoredRunStatus
  config: unknown
  baseModel: string
  modelId: number | null
  datasetId: number | null
  parentRunId: number | null
  parentStep: number | null
  backend: string | null
  step: number
  totalSteps: number | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  error: string | null
  notes: string
  estimate: unknown
  peakRssBytes: number | null
  peakTfBytes: number | null
  adapterPath: string | null
}

/** Fields a run's lifecycle changes; `undefined` leaves a field as it is, `null` clears it. */
export interface RunUpdate {
  name?: string
  status?: StoredRunStatus
  config?: unknown
  backend?: string | null
  step?: number
  totalSteps?: number | null
  startedAt?: string | null
  finishedAt?: string | null
  error?: string | null
  notes?: string
  estimate?: unknown
  peakRssBytes?: number | null
  peakTfBytes?: number | null
  adapterPath?: string | null
}

export interface StoredMetric {
  step: number
  epoch: number | null
  trainLoss: number | null
  learningRate: number | null
  gradNorm: number | null
  tokensPerS: number | null
  evalLoss: number | null
  perplexity: number | null
  elapsedS: number | null
  etaS: number | null
  tfBytes: number | null
  rssBytes: number | null
}

export type MetricInput = Partial<StoredMetric> & { step: number }

export interface NewCheckpoint {
  runId: number
  step: number
  path: string
  reason: StoredCheckpointReason
  trainLoss?: number | null
  evalLoss?: number | null
  sizeBytes?: number | null
}

export interface StoredCheckpoint {
  id: number
  runId: number
  step: number
  path: string
  reason: StoredCheckpointReason
  trainLoss: number | null
  evalLoss: number | null
  sizeBytes: number | null
  createdAt: string
}

interface RunRow {
  id: number
  name: string
  status: StoredRunStatus
  config_json: string
  base_model: string
  model_id: number | null
  dataset_id: number | null
  parent_run_id: number | null
  parent_step: number | null
  backend: string | null
  step: number
  total_steps: number | null
  created_at: string
  started_at: string | null
  finished_at: string | null
  error: string | null
  notes: string
  estimate_json: string | null
  peak_rss_bytes: number | null
  peak_tf_bytes: number | null
  adapter_path: string | null
}

interface MetricRow {
  step: number
  epoch: number | null
  train_loss: number | null
  learning_rate: number | null
  grad_norm: number | null
  tokens_per_s: number | null
  eval_loss: number | null
  perplexity: number | null
  elapsed_s: number | null
  eta_s: number | null
  tf_bytes: number | null
  rss_bytes: number | null
}

interface CheckpointRow {
  id: number
  run_id: number
  step: number
  path: string
  reason: StoredCheckpointReason
  train_loss: number | null
  eval_loss: number | null
  size_bytes: number | null
  created_at: string
}

function toRun(row: RunRow): StoredRun {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    config: fromJson(row.config_json, `runs id ${row.id} config_json`),
    baseModel: row.base_model,
    modelId: row.model_id,
    datasetId: row.dataset_id,
    parentRunId: row.parent_run_id,
    parentStep: row.parent_step,
    backend: row.backend,
    step: row.step,
    totalSteps: row.total_steps,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    notes: row.notes,
    estimate: fromJsonOrNull(row.estimate_json, `runs id ${row.id} estimate_json`),
    peakRssBytes: row.peak_rss_bytes,
    peakTfBytes: row.peak_tf_bytes,
    adapterPath: row.adapter_path
  }
}

function toMetric(row: MetricRow): StoredMetric {
  return {
    step: row.step,
    epoch: row.epoch,
    trainLoss: row.train_loss,
    learningRate: row.learning_rate,
    gradNorm: row.grad_norm,
    tokensPerS: row.tokens_per_s,
    evalLoss: row.eval_loss,
    perplexity: row.perplexity,
    elapsedS: row.elapsed_s,
    etaS: row.eta_s,
    tfBytes: row.tf_bytes,
    rssBytes: row.rss_bytes
  }
}

function toCheckpoint(row: CheckpointRow): StoredCheckpoint {
  return {
    id: row.id,
    runId: row.run_id,
    step: row.step,
    path: row.path,
    reason: row.reason,
    trainLoss: row.train_loss,
    evalLoss: row.eval_loss,
    sizeBytes: row.size_bytes,
    createdAt: row.created_at
  }
}

/** RunUpdate field → column, and how its value is stored. */
const updateColumns: { [K in keyof RunUpdate]-?: [column: string, json: boolean] } = {
  name: ['name', false],
  status: ['status', false],
  config: ['config_json', true],
  backend: ['backend', false],
  step: ['step', false],
  totalSteps: ['total_steps', false],
  startedAt: ['started_at', false],
  finishedAt: ['finished_at', false],
  error: ['error', false],
  notes: ['notes', false],
  estimate: ['estimate_json', true],
  peakRssBytes: ['peak_rss_bytes', false],
  peakTfBytes: ['peak_tf_bytes', false],
  adapterPath: ['adapter_path', false]
}

export interface RunsRepository {
  create(run: NewRun): StoredRun
  get(id: number): StoredRun | null
  /** Newest first. */
  list(filter?: { status?: StoredRunStatus[] }): StoredRun[]
  update(id: number, update: RunUpdate): StoredRun
  delete(id: number): boolean

  /** Upserts one step: values given overwrite, values left out (or undefined) keep what was logged before. */
  recordMetric(runId: number, metric: MetricInput): void
  recordMetrics(runId: number, metrics: MetricInput[]): void
  metrics(runId: number, afterStep?: number): StoredMetric[]
  lastMetric(runId: number): StoredMetric | null
  /** Drops metrics logged after `step` (resuming from an earlier checkpoint). */
  deleteMetricsAfter(runId: number, step: number): number

  addCheckpoint(checkpoint: NewCheckpoint): StoredCheckpoint
  checkpoints(runId: number): StoredCheckpoint[]
  checkpoint(runId: number, step: number): StoredCheckpoint | null
  deleteCheckpoint(runId: number, step: number): boolean
}

export function createRunsRepository(db: SqliteDatabase): RunsRepository {
  const insert = db.prepare(
    `insert into runs (name, status, config_json, base_model, model_id, dataset_id, parent_run_id, parent_step, total_steps, estimate_json, created_at)
     values (@name, @status, @config, @baseModel, @modelId, @datasetId, @parentRunId, @parentStep, @totalSteps, @estimate, @createdAt)`
  )
  const byId = db.prepare<[number], RunRow>('select * from runs where id = ?')
  const all = db.prepare<[], RunRow>('select * from runs order by id desc')
  const remove = db.prepare<[number]>('delete from runs where id = ?')
  const upsertMetric = db.prepare(
    `insert into metrics (run_id, step, epoch, train_loss, learning_rate, grad_norm, tokens_per_s, eval_loss,
                          perplexity, elapsed_s, eta_s, tf_bytes, rss_bytes, recorded_at)
     values (@runId, @step, @epoch, @trainLoss, @learningRate, @gradNorm, @tokensPerS, @evalLoss,
             @perplexity, @elapsedS, @etaS, @tfBytes, @rssBytes, @recordedAt)
     on conflict (run_id, step) do update set
       epoch = coalesce(excluded.epoch, epoch),
       train_loss = coalesce(excluded.train_loss, train_loss),
       learning_rate = coalesce(excluded.learning_rate, learning_rate),
       grad_norm = coalesce(excluded.grad_norm, grad_norm),
       tokens_per_s = coalesce(excluded.tokens_per_s, tokens_per_s),
       eval_loss = coalesce(excluded.eval_loss, eval_loss),
       perplexity = coalesce(excluded.perplexity, perplexity),
       elapsed_s = coalesce(excluded.elapsed_s, elapsed_s),
       eta_s = coalesce(excluded.eta_s, eta_s),
       tf_bytes = coalesce(excluded.tf_bytes, tf_bytes),
       rss_bytes = coalesce(excluded.rss_bytes, rss_bytes),
       recorded_at = excluded.recorded_at`
  )
  const metricsAfter = db.prepare<[number, number], MetricRow>(
    'select * from metrics where run_id = ? and step > ? order by step'
  )
  const lastMetric = db.prepare<[number], MetricRow>(
    'select * from metrics where run_id = ? order by step desc limit 1'
  )
  const dropMetricsAfter = db.prepare<[number, number]>('delete from metrics where run_id = ? and step > ?')
  const insertCheckpoint = db.prepare(
    `insert into checkpoints (run_id, step, path, reason, train_loss, eval_loss, size_bytes, created_at)
     values (@runId, @step, @path, @reason, @trainLoss, @evalLoss, @sizeBytes, @createdAt)
     on conflict (run_id, step) do update set
       path = excluded.path, reason = excluded.reason, train_loss = excluded.train_loss,
       eval_loss = excluded.eval_loss, size_bytes = excluded.size_bytes, created_at = excluded.created_at`
  )
  const checkpointsOf = db.prepare<[number], CheckpointRow>(
    'select * from checkpoints where run_id = ? order by step'
  )
  const checkpointAt = db.prepare<[number, number], CheckpointRow>(
    'select * from checkpoints where run_id = ? and step = ?'
  )
  const removeCheckpoint = db.prepare<[number, number]>(
    'delete from checkpoints where run_id = ? and step = ?'
  )

  function get(id: number): StoredRun | null {
    const row = byId.get(id)
    return row ? toRun(row) : null
  }

  function recordMetric(runId: number, m: MetricInput): void {
    upsertMetric.run({
      runId,
      step: m.step,
      epoch: m.epoch ?? null,
      trainLoss: m.trainLoss ?? null,
      learningRate: m.learningRate ?? null,
      gradNorm: m.gradNorm ?? null,
      tokensPerS: m.tokensPerS ?? null,
      evalLoss: m.evalLoss ?? null,
      perplexity: m.perplexity ?? null,
      elapsedS: m.elapsedS ?? null,
      etaS: m.etaS ?? null,
      tfBytes: m.tfBytes ?? null,
      rssBytes: m.rssBytes ?? null,
      recordedAt: nowIso()
    })
  }

  const recordMetrics = db.transaction((runId: number, metrics: MetricInput[]) => {
    for (const m of metrics) recordMetric(runId, m)
  })

  return {
    create(run) {
      const info = insert.run({
        name: run.name,
        status: run.status ?? 'queued',
        config: toJson(run.config),
        baseModel: run.baseModel,
        modelId: run.modelId ?? null,
        datasetId: run.datasetId ?? null,
        parentRunId: run.parentRunId ?? null,
        parentStep: run.parentStep ?? null,
        totalSteps: run.totalSteps ?? null,
        estimate: run.estimate === undefined ? null : toJson(run.estimate),
        createdAt: nowIso()
      })
      return get(Number(info.lastInsertRowid)) as StoredRun
    },
    get,
    list(filter = {}) {
      const runs = all.all().map(toRun)
      return filter.status ? runs.filter((r) => filter.status?.includes(r.status)) : runs
    },
    update(id, update) {
      const sets: string[] = []
      const values: unknown[] = []
      for (const [key, value] of Object.entries(update) as [keyof RunUpdate, unknown][]) {
        if (value === undefined) continue
        const [column, json] = updateColumns[key]
        sets.push(`${column} = ?`)
        values.push(json && value !== null ? toJson(value) : value)
      }
      if (sets.length) db.prepare(`update runs set ${sets.join(', ')} where id = ?`).run(...values, id)
      const run = get(id)
      if (!run) throw new Error(`Run ${id} does not exist`)
      return run
    },
    delete(id) {
      return remove.run(id).changes > 0
    },
    recordMetric,
    recordMetrics: (runId, metrics) => recordMetrics(runId, metrics),
    metrics(runId, afterStep = -1) {
      return metricsAfter.all(runId, afterStep).map(toMetric)
    },
    lastMetric(runId) {
      const row = lastMetric.get(runId)
      return row ? toMetric(row) : null
    },
    deleteMetricsAfter(runId, step) {
      return dropMetricsAfter.run(runId, step).changes
    },
    addCheckpoint(c) {
      insertCheckpoint.run({
        runId: c.runId,
        step: c.step,
        path: c.path,
        reason: c.reason,
        trainLoss: c.trainLoss ?? null,
        evalLoss: c.evalLoss ?? null,
        sizeBytes: c.sizeBytes ?? null,
        createdAt: nowIso()
      })
      return toCheckpoint(checkpointAt.get(c.runId, c.step) as CheckpointRow)
    },
    checkpoints(runId) {
      return checkpointsOf.all(runId).map(toCheckpoint)
    },
    checkpoint(runId, step) {
      const row = checkpointAt.get(runId, step)
      return row ? toCheckpoint(row) : null
    },
    deleteCheckpoint(runId, step) {
      return removeCheckpoint.run(runId, step).changes > 0
    }
  }
}
