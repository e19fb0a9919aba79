// The runs domain in main: creates runs (config resolved, data frozen, estimate recorded), queues
// them so one trains at a time per engine, persists every metric and checkpoint as the engine
// reports it, drives pause/resume/stop, and turns an engine crash or an app restart into a run
// that says what happened and resumes from its last checkpoint.
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { checkExportTarget } from '../../engine/files/export-folder'
import type { ApiHandlers } from '../../shared/contract'
import type { EngineCallOptions } from '../engine-host/engine-host'
import type { EngineJobName, EngineJobs } from '../../shared/engine-protocol'
import { ServiceError } from '../../shared/errors'
import { gpuFitRefusal } from '../../shared/gpu-fit-refusal'
import {
  canMove,
  checkMove,
  pausableStatuses,
  resumableStatuses,
  type RunActor
} from '../../shared/run-states'
import { storedRunConfig } from '../../shared/runs'
import type {
  RunConfigValues,
  RunEstimate,
  RunProgressEvent,
  RunStatusName,
  TextFit
} from '../../shared/runs'
import type { TrainJobOutput, TrainProgress } from '../../shared/training-protocol'
import type { EventBus } from '../event-bus'
import type { RunUpdate } from '../store/runs-repository'
import type { Store } from '../store/store'
import { existingRunData, materializeRunData, namingSources, type DatasetSamples } from './run-data'
import { checkResumable } from './resume-check'
import { runTemplate, shownRunTemplate } from './run-template'
import { claimRun, orphanedRuns } from './run-owner'
import { checkStartInputs } from './start-checks'
import { copyStartAdapter, startAdapter } from './start-adapter'
import { startedMessage } from './started-words'
import { continueSource, resolveContinueFrom } from './continue-from'
import { resolveConfig } from './resolve-config'
import { modelWasmFits } from './wasm-fits'
import { toCheckpointInfo, toRunDetail, toRunMetric, toRunSummary } from './run-views'

/** The part of EngineHost the service needs (a fake in unit tests). */
export interface EngineCaller {
  call<J extends EngineJobName>(
    job: J,
    input: EngineJobs[J]['input'],
    options?: EngineCallOptions
  ): Promise<EngineJobs[J]['output']>
}

export interface RunServiceDeps {
  store: Store
  engine: EngineCaller
  events: EventBus
  /** The data folder's runs/ directory. */
  runsDir: string
  datasetSamples?: DatasetSamples
  /** Tokens per character of a dataset's text with a model's tokenizer, for the estimate's warning. */
  textFit?: (datasetId: number, baseModel: string) => Promise<TextFit | null>
  /** Registers a merged export as a model (the models service); without it a merged export is not registered. */
  registerMerged?: (dir: string, name: string) => Promise<{ id: number; name: string }>
}

export interface RunService {
  handlers: ApiHandlers['runs']
  /** Resolves when the given run's current training job has ended (at once if none runs). */
  settled(runId: number): Promise<void>
  /** Marks runs left running, paused or queued by a process that has died as interrupted; returns their ids. */
  recoverInterrupted(): number[]
  /**
   * Stops the training run (checkpoint first) and waits for it, for app quit: at most `graceMs`; a run
   * still winding down then is marked interrupted (resumable from its last checkpoint) and left.
   * Later calls share the first one's wait. Nothing is queued after it.
   */
  shutdown(graceMs?: number): Promise<void>
}

/** How long quitting waits for a run to checkpoint and stop; the engine's own shutdown adds at most 10 s. */
export const SHUTDOWN_GRACE_MS = 20_000

export const INTERRUPTED_MESSAGE =
  'LoRA Studio closed while this run was training. Resume continues from its last checkpoint.'

export const QUIT_TIMEOUT_MESSAGE =
  'LoRA Studio quit before this run finished writing its stop checkpoint. Resume continues from its last checkpoint.'

function defaultName(config: RunConfigValues): string {
  const model = config.baseModel.split(/[\\/]/).filter(Boolean).pop() ?? 'model'
  return `${model} r${config.lora.r} lr${config.learningRate}`
}

export function createRunService(deps: RunServiceDeps): RunService {
  const { store, engine, events } = deps
  const repo = store.runs
  const queue: number[] = []
  /** The run training now; aborting `stop` stops it in any phase (engine starting, loading, training). */
  let active: { runId: number; done: Promise<void>; stop: AbortController } | null = null
  const runDir = (id: number) => join(deps.runsDir, String(id))

  function mustGet(id: number) {
    const run = repo.get(id)
    if (!run) throw new ServiceError('not_found', `Run ${id} does not exist; list runs to see their ids.`)
    return run
  }

  /** The estimate with how the run's tokenizer cuts the dataset's text, for a dataset run. */
  async function withTextFit(config: RunConfigValues, estimate: RunEstimate): Promise<RunEstimate> {
    if (config.data.kind !== 'dataset' || !deps.textFit) return estimate
    const textFit = await deps.textFit(config.data.id, config.baseModel)
    return textFit ? { ...estimate, textFit } : estimate
  }

  function detail(runId: number) {
    return toRunDetail(repo, mustGet(runId), deps.runsDir, shownRunTemplate(store, runId))
  }

  function emit(runId: number, extra: Omit<RunProgressEvent, 'runId' | 'status'> = {}) {
    const run = repo.get(runId)
    if (run) events.emit('run.progress', { runId, status: run.status, ...extra })
  }

  /** Moves the run to `status` on behalf of `by`, as src/shared/run-states.ts allows (else it throws). */
  function setStatus(
    runId: number,
    status: RunStatusName,
    by: RunActor,
    fields: RunUpdate = {},
    message?: string
  ) {
    repo.update(runId, { ...fields, status: checkMove(mustGet(runId).status, status, by) })
    emit(runId, message === undefined ? {} : { message })
  }

  function onProgress(runId: number, p: TrainProgress): void {
    switch (p.kind) {
      case 'started': {
        repo.update(runId, { totalSteps: p.totalSteps, estimate: p.estimate })
        const { maxLength } = storedRunConfig(mustGet(runId).config)
        emit(runId, {
          message: startedMessage(p, maxLength),
          note: {
            kind: 'started',
            samples: p.trainSamples,
            validationSamples: p.validationSamples,
            maxLength,
            steps: p.totalSteps,
            workers: p.workers,
            workersWhy: p.workersWhy
          }
        })
        break
      }
      case 'metric':
        store.transaction(() => {
          repo.recordMetric(runId, p.metric)
          if (p.metric.trainLoss !== null) repo.update(runId, { step: p.metric.step })
        })
        emit(runId, { metric: p.metric })
        break
      case 'checkpoint':
        store.transaction(() => {
          repo.addCheckpoint({
            runId,
            step: p.checkpoint.step,
            path: p.checkpoint.path,
            reason: p.checkpoint.reason,
            trainLoss: p.checkpoint.trainLoss,
            evalLoss: p.checkpoint.evalLoss
          })
          for (const step of p.removed) repo.deleteCheckpoint(runId, step)
        })
        emit(runId, { checkpoint: p.checkpoint })
        break
      case 'status':
        // Quit gave up waiting and left the run interrupted: a pause report still in flight changes nothing.
        if (mustGet(runId).status === 'interrupted') break
        setStatus(runId, p.status, 'trainer', {}, p.message ?? undefined)
        break
    }
  }

  function finish(runId: number, out: TrainJobOutput): void {
    setStatus(
      runId,
      out.status,
      'trainer',
      {
        step: out.step,
        finishedAt: new Date().toISOString(),
        error: out.message,
        adapterPath: out.adapterPath ?? undefined,
        peakRssBytes: out.peakRssBytes,
        peakTfBytes: out.peakTfBytes
      },
      out.message ?? undefined
    )
  }

  function failed(runId: number, err: unknown): void {
    const run = repo.get(runId)
    if (!run) return
    const last = repo.checkpoints(runId).at(-1)
    const from = last ? `its checkpoint at step ${last.step}` : 'the start (no checkpoint was written yet)'
    const reason = err instanceof Error ? err.message : String(err)
    const crashed = err instanceof ServiceError && err.code === 'engine_crashed'
    const message = crashed
      ? `The engine stopped while training at step ${run.step}: ${reason} Resume continues from ${from}.`
      : err instanceof ServiceError && err.code === 'engine_error'
        ? reason // the engine's answer already says "Training failed: …"
        : `Training failed: ${reason}`
    setStatus(runId, 'failed', 'service', { finishedAt: new Date().toISOString(), error: message }, message)
  }

  /** A run stopped before the engine took its first step: it keeps its step and checkpoints. */
  function stoppedBeforeStart(runId: number): void {
    const run = mustGet(runId)
    const message =
      run.step > 0
        ? `Stopped before training started again; resume continues from step ${run.step}.`
        : 'Stopped before training started; nothing was trained.'
    setStatus(runId, 'stopped', 'service', { finishedAt: new Date().toISOString(), error: message }, message)
  }

  /** `work`, or null as soon as `signal` aborts (the work goes on, unwatched). */
  function unlessStopped<T>(work: Promise<T>, signal: AbortSignal): Promise<T | null> {
    if (signal.aborted) return Promise.resolve(null)
    return new Promise<T | null>((resolve, reject) => {
      const onAbort = () => resolve(null)
      signal.addEventListener('abort', onAbort, { once: true })
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
    })
  }

  async function train(runId: number, signal: AbortSignal): Promise<void> {
    const run = mustGet(runId)
    const config = storedRunConfig(run.config)
    const checkpoint = run.step > 0 ? repo.checkpoint(runId, run.step) : null
    setStatus(runId, 'running', 'service', {
      startedAt: run.startedAt ?? new Date().toISOString(),
      finishedAt: null,
      error: null
    })
    try {
      const files = existingRunData(runDir(runId))
      // The first call may wait for the engine to start; a stop meanwhile ends the run at once.
      const info = await unlessStopped(
        engine.call('systemInfo', {}).catch(() => ({ backend: null })),
        signal
      )
      if (signal.aborted || info === null) return stoppedBeforeStart(runId)
      if (info.backend?.name) repo.update(runId, { backend: info.backend.name })
      const initAdapter = startAdapter(runDir(runId), config)
      const out = await engine.call(
        'train',
        {
          runId,
          runDir: runDir(runId),
          config: { ...config, initAdapter },
          ...files,
          resumeFrom: checkpoint?.path ?? null
        },
        { signal, onEvent: (m) => m.event === 'trainProgress' && onProgress(runId, m.data) }
      )
      finish(runId, out)
    } catch (err) {
      // The engine answers a stop during its set-up (model, data) as a cancelled job.
      if (signal.aborted && err instanceof ServiceError && err.code === 'cancelled') stoppedBeforeStart(runId)
      else failed(runId, err)
    }
  }

  function pump(): void {
    if (active) return
    const next = queue.shift()
    if (next === undefined) return
    const entry = { runId: next, done: Promise.resolve(), stop: new AbortController() }
    active = entry
    entry.done = train(next, entry.stop.signal).finally(() => {
      active = null
      pump()
    })
  }

  function enqueue(runId: number): void {
    claimRun(store.db, runId)
    if (!queue.includes(runId)) queue.push(runId)
    pump()
  }

  async function control(runId: number, action: 'pause' | 'resume'): Promise<boolean> {
    if (active?.runId !== runId) return false
    return (await engine.call('trainControl', { runId, action })).accepted
  }

  /** Rolls a run back to `step` (a checkpoint, or 0): later metrics and checkpoints go. */
  async function rewind(runId: number, step: number): Promise<void> {
    const later = repo.checkpoints(runId).filter((c) => c.step > step)
    store.transaction(() => {
      repo.deleteMetricsAfter(runId, step)
      for (const c of later) repo.deleteCheckpoint(runId, c.step)
      const status = checkMove(mustGet(runId).status, 'queued', 'service')
      repo.update(runId, { step, status, error: null, finishedAt: null, adapterPath: null })
    })
    for (const c of later) await rm(c.path, { recursive: true, force: true })
  }

  const handlers: ApiHandlers['runs'] = {
    async start({ name, preset, continueFrom, continueFromStep, config: given }) {
      const { config, parent } = await resolveContinueFrom(store, deps.runsDir, {
        preset,
        continueFrom,
        continueFromStep,
        config: given
      })
      await checkStartInputs(config, store.datasets)
      const estimate = await engine
        .call('estimateRun', { baseModel: config.baseModel, config })
        .catch((err: unknown) => {
          throw new ServiceError('invalid_input', err instanceof Error ? err.message : String(err), [
            { path: 'config.baseModel', message: 'cannot be used' }
          ])
        })
      // On a GPU: a step that needs a larger tensor than the adapter holds is refused before the run exists.
      const refusal = gpuFitRefusal(estimate)
      if (refusal) throw refusal
      const run = repo.create({
        name: name ?? defaultName(config),
        config,
        baseModel: config.baseModel,
        datasetId: config.data.kind === 'dataset' ? config.data.id : null,
        parentRunId: parent?.runId ?? null,
        parentStep: parent?.step ?? null,
        estimate
      })
      try {
        await materializeRunData(runDir(run.id), config, deps.datasetSamples)
        await copyStartAdapter(runDir(run.id), config)
      } catch (err) {
        repo.delete(run.id)
        await rm(runDir(run.id), { recursive: true, force: true })
        throw err
      }
      emit(run.id)
      // Stopped while its data were being prepared: it stays stopped (and resumable), not queued.
      if (mustGet(run.id).status === 'queued') enqueue(run.id)
      return detail(run.id)
    },
    async list() {
      return repo.list().map((r) => toRunSummary(repo, r, deps.runsDir))
    },
    async get({ id }) {
      return detail(id)
    },
    async metrics({ id, afterStep }) {
      mustGet(id)
      return repo.metrics(id, afterStep).map(toRunMetric)
    },
    async pause({ id }) {
      const run = mustGet(id)
      if (!pausableStatuses.includes(run.status) || !(await control(id, 'pause'))) {
        throw new ServiceError('conflict', `Run ${id} is ${run.status}; only a running run can be paused.`)
      }
      return toRunSummary(repo, mustGet(id), deps.runsDir)
    },
    async resume({ id, checkpointStep }) {
      const run = mustGet(id)
      if (run.status === 'paused' && active?.runId === id && checkpointStep === undefined) {
        await control(id, 'resume')
        return toRunSummary(repo, mustGet(id), deps.runsDir)
      }
      if (
        !resumableStatuses.includes(run.status) &&
        !(run.status === 'completed' && checkpointStep !== undefined)
      ) {
        throw new ServiceError(
          'conflict',
          `Run ${id} is ${run.status}; only a paused, stopped, failed or interrupted run can be resumed.`
        )
      }
      if (active?.runId === id)
        throw new ServiceError('conflict', `Run ${id} is still winding down; try again in a moment.`)
      const config = storedRunConfig(run.config)
      if (!existsSync(runDir(id))) {
        await checkResumable({ runId: id, runDir: runDir(id), config, checkpoint: null, otherSteps: [] })
      }
      const checkpoints = repo.checkpoints(id).filter((c) => existsSync(c.path))
      const chosen =
        checkpointStep === undefined ? checkpoints.at(-1) : checkpoints.find((c) => c.step === checkpointStep)
      if (checkpointStep !== undefined && !chosen) {
        throw new ServiceError(
          'not_found',
          `Run ${id} has no checkpoint at step ${checkpointStep}; its checkpoints: ${checkpoints.map((c) => c.step).join(', ') || 'none'}.`
        )
      }
      // Everything the engine will read is checked before the rewind below deletes later history.
      await checkResumable({
        runId: id,
        runDir: runDir(id),
        config,
        checkpoint: chosen ? { step: chosen.step, path: chosen.path } : null,
        otherSteps: checkpoints.map((c) => c.step)
      })
      if (mustGet(id).status !== run.status || active?.runId === id || queue.includes(id)) {
        throw new ServiceError('conflict', `Run ${id} changed while it was being checked; try again.`)
      }
      await rewind(id, chosen?.step ?? 0)
      emit(
        id,
        chosen
          ? { message: `resuming from step ${chosen.step}`, note: { kind: 'resuming', step: chosen.step } }
          : { message: 'restarting from the start (no checkpoint)', note: { kind: 'restarting' } }
      )
      enqueue(id)
      return toRunSummary(repo, mustGet(id), deps.runsDir)
    },
    async stop({ id }) {
      const run = mustGet(id)
      if (run.status === 'queued') {
        // Not in the queue yet while its data are still being prepared (start has not returned).
        const at = queue.indexOf(id)
        if (at >= 0) queue.splice(at, 1)
        setStatus(id, 'stopped', 'service', { error: 'Stopped before it started.' })
      } else if (active?.runId === id) {
        const current = active
        current.stop.abort()
        await current.done
      } else if (run.status !== 'paused') {
        throw new ServiceError('conflict', `Run ${id} is ${run.status}; there is nothing to stop.`)
      } else {
        setStatus(id, 'stopped', 'service')
      }
      return toRunSummary(repo, mustGet(id), deps.runsDir)
    },
    async delete({ id }) {
      mustGet(id)
      if (active?.runId === id)
        throw new ServiceError('conflict', `Run ${id} is training; stop it before deleting it.`)
      const at = queue.indexOf(id)
      if (at >= 0) queue.splice(at, 1)
      repo.delete(id)
      await rm(runDir(id), { recursive: true, force: true })
      return { deleted: true as const }
    },
    async rename({ id, name }) {
      mustGet(id)
      repo.update(id, { name })
      return toRunSummary(repo, mustGet(id), deps.runsDir)
    },
    async notes({ id, notes }) {
      mustGet(id)
      repo.update(id, { notes })
      return detail(id)
    },
    async continueSource(source) {
      return continueSource(store, deps.runsDir, source)
    },
    async checkpoints({ id }) {
      mustGet(id)
      return repo.checkpoints(id).map(toCheckpointInfo)
    },
    async estimate({ preset, config: patch, measure }) {
      const config = resolveConfig(preset, patch)
      const estimate = await withTextFit(
        config,
        await engine.call('estimateRun', { baseModel: config.baseModel, config })
      )
      if (!measure) return estimate
      const scratch = join(deps.runsDir, `.dry-run-${process.pid}-${Date.now()}`)
      try {
        const files = await materializeRunData(scratch, config, deps.datasetSamples)
        const measured = await engine.call('dryRun', { config, ...files }).catch((err: unknown) => {
          const name = (id: number) => store.datasets.get(id)?.name ?? String(id)
          throw namingSources(err, files, config, name)
        })
        const { stepS, tokensPerS, totalSteps, etaS, peakRssBytes } = measured
        return { ...estimate, dryRun: { stepS, tokensPerS, totalSteps, etaS, peakRssBytes } }
      } finally {
        await rm(scratch, { recursive: true, force: true })
      }
    },
    async wasmFits({ preset, config }) {
      return modelWasmFits(store.models.list(), engine, resolveConfig(preset, config))
    },
    async export({ id, checkpointStep, format, outDir, overwrite = false, register = true }) {
      const run = mustGet(id)
      // Checked here too, so a bad folder is refused at once, before the engine loads any weights.
      const dataDir = dirname(deps.runsDir)
      await checkExportTarget(outDir, { overwrite, dataDir })
      let adapterDir = checkpointStep === undefined ? run.adapterPath : null
      if (checkpointStep !== undefined) {
        const cp = repo.checkpoint(id, checkpointStep)
        if (!cp) throw new ServiceError('not_found', `Run ${id} has no checkpoint at step ${checkpointStep}.`)
        adapterDir = join(cp.path, 'adapter')
      } else if (adapterDir === null) {
        const last = repo.checkpoints(id).at(-1)
        if (!last)
          throw new ServiceError(
            'conflict',
            `Run ${id} has no adapter and no checkpoint yet; let it train first.`
          )
        adapterDir = join(last.path, 'adapter')
      }
      const config = storedRunConfig(run.config)
      const written = await engine.call('exportAdapter', {
        baseModel: config.baseModel,
        adapterDir,
        format,
        outDir,
        overwrite,
        dataDir,
        baseModelName: publishedBaseName(run.modelId, config.baseModel),
        about: {
          template: runTemplate(store, id),
          baseModel: registeredModel(run.modelId, config.baseModel)?.name ?? null
        }
      })
      if (format !== 'merged' || !register || !deps.registerMerged) return { ...written, model: null }
      const what = checkpointStep === undefined ? 'merged' : `step-${checkpointStep}-merged`
      const model = await deps.registerMerged(written.outDir, `${run.name}-${what}`)
      return { ...written, model: { id: model.id, name: model.name } }
    }
  }

  /** The registered model a run trained on: by its id, else by its folder. */
  function registeredModel(modelId: number | null, baseModel: string) {
    return (
      (modelId === null ? null : store.models.get(modelId)) ??
      store.models.list().find((m) => resolve(m.path) === resolve(baseModel)) ??
      null
    )
  }

  /** How an exported adapter names its base: the Hub id of a model downloaded from the Hub, else the folder. */
  function publishedBaseName(modelId: number | null, baseModel: string): string {
    const model = registeredModel(modelId, baseModel)
    return model?.source === 'hub' && model.hubId ? model.hubId : baseModel
  }

  let shuttingDown: Promise<void> | null = null

  async function stopForQuit(graceMs: number): Promise<void> {
    queue.length = 0
    const current = active
    if (!current) return
    current.stop.abort()
    let timer: NodeJS.Timeout | undefined
    const settled = await Promise.race([
      current.done.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)))
    ])
    clearTimeout(timer)
    if (settled) return
    // Still writing its checkpoint (or stuck): leave it resumable and say so; the engine's shutdown
    // follows, and a stop answer arriving meanwhile still records the checkpoint.
    const run = repo.get(current.runId)
    if (run && canMove(run.status, 'interrupted', 'quit')) {
      setStatus(current.runId, 'interrupted', 'quit', { error: QUIT_TIMEOUT_MESSAGE }, QUIT_TIMEOUT_MESSAGE)
    }
  }

  return {
    handlers,
    async settled(runId) {
      while (active?.runId === runId || queue.includes(runId)) await (active?.done ?? Promise.resolve())
    },
    recoverInterrupted() {
      const orphans = orphanedRuns(store.db)
      store.transaction(() => {
        for (const { id, status } of orphans) {
          repo.update(id, {
            status: checkMove(status, 'interrupted', 'recovery'),
            error: INTERRUPTED_MESSAGE
          })
        }
      })
      return orphans.map((o) => o.id)
    },
    shutdown(graceMs = SHUTDOWN_GRACE_MS) {
      shuttingDown ??= stopForQuit(graceMs)
      return shuttingDown
    }
  }
}
