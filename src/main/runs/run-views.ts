// Stored runs, metrics and checkpoints as the API returns them (RunSummary, RunDetail, RunMetric,
// CheckpointInfo): the one place that maps repository rows to the contract's shapes.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import {
  storedRunConfig,
  type CheckpointInfo,
  type CheckpointReason,
  RunDetail,
  RunEstimate,
  RunMetric,
  RunSummary
} from '../../shared/runs'
import type { RunsRepository, StoredCheckpoint, StoredMetric, StoredRun } from '../store/runs-repository'

export function toRunMetric(m: StoredMetric): RunMetric {
  return {
    step: m.step,
    epoch: m.epoch ?? 0,
    trainLoss: m.trainLoss,
    learningRate: m.learningRate,
    gradNorm: m.gradNorm,
    tokensPerS: m.tokensPerS,
    evalLoss: m.evalLoss,
    perplexity: m.perplexity,
    elapsedS: m.elapsedS ?? 0,
    etaS: m.etaS,
    tfBytes: m.tfBytes,
    rssBytes: m.rssBytes
  }
}

export function toCheckpointInfo(c: StoredCheckpoint): CheckpointInfo {
  return {
    step: c.step,
    path: c.path,
    reason: c.reason as CheckpointReason,
    evalLoss: c.evalLoss,
    trainLoss: c.trainLoss,
    createdAt: c.createdAt
  }
}

/** `runsDir`: the data folder's runs/, to tell whether the run's own folder is still there. */
export function toRunSummary(repo: RunsRepository, run: StoredRun, runsDir: string): RunSummary {
  const metrics = repo.metrics(run.id)
  const lastTrain = [...metrics].reverse().find((m) => m.trainLoss !== null)
  const lastEval = [...metrics].reverse().find((m) => m.evalLoss !== null)
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    baseModel: run.baseModel,
    step: run.step,
    totalSteps: run.totalSteps,
    lastLoss: lastTrain?.trainLoss ?? null,
    lastEvalLoss: lastEval?.evalLoss ?? null,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    message: run.error,
    checkpoints: repo.checkpoints(run.id).length,
    backend: run.backend,
    folderMissing: !existsSync(join(runsDir, String(run.id))),
    parentRunId: run.parentRunId,
    parentStep: run.parentStep
  }
}

/** `template`: the one its samples were formatted with (run-template.ts), null for raw text. */
export function toRunDetail(
  repo: RunsRepository,
  run: StoredRun,
  runsDir: string,
  template: string | null
): RunDetail {
  return {
    ...toRunSummary(repo, run, runsDir),
    config: storedRunConfig(run.config),
    template,
    notes: run.notes,
    estimate: (run.estimate as RunEstimate | null) ?? null,
    peakRssBytes: run.peakRssBytes,
    peakTfBytes: run.peakTfBytes,
    adapterPath: run.adapterPath
  }
}
