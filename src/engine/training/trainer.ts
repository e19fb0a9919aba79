// The training loop of one run: token-weighted gradient accumulation, clipping, AdamW with the LR
// schedule, evaluation, checkpoints, metrics per step, pause/resume in place, stop (checkpoint
// first), and a NaN/Inf guard. Every random draw and the data order come from saved state, so a run
// stopped at step k and resumed repeats the uninterrupted run's losses exactly.
import * as tf from '@tensorflow/tfjs-core'
import { checkMove } from '../../shared/run-states'
import type { CheckpointInfo, CheckpointReason, RunConfigValues, RunMetric } from '../../shared/runs'
import type { TrainJobOutput, TrainProgress } from '../../shared/training-protocol'
import type { Rng } from '../generation/rng'
import { causalLmLoss } from '../model/causal-lm-loss'
import type { DecoderModel } from '../model/decoder-model'
import type { LoraAdapter } from '../model/lora'
import type { ComputeOptions } from '../model/train-step'
import { AdamW } from '../optim/adamw'
import { throwIfGpuFailed } from '../webgpu-adapter'
import { clipGradNorm, globalNorm } from '../optim/clip-grad-norm'
import { learningRateAt } from '../optim/lr-schedule'
import type { LrSchedule } from '../optim/lr-schedule'
import { checkpointDir, pruneCheckpoints, writeCheckpoint } from './checkpoint-files'
import type { CheckpointContents, TrainerState } from './checkpoint-files'
import { dataParallelGradients } from './data-parallel-step'
import type { MicroBatch } from './gradient-pieces'
import type { GradientWorkers } from './gradient-workers'
import { fromLoraConfig } from './lora-settings'
import { collate, epochOrder, stepData, targetTokenCount } from './training-data'
import type { StepPlan, TokenRecord } from './training-data'
import { join } from 'node:path'
import { writePeftAdapter } from './peft-adapter'

export interface TrainerSetup {
  runDir: string
  config: RunConfigValues
  model: DecoderModel
  lora: LoraAdapter
  /** Data-parallel workers besides this thread, or null to compute every step here. */
  workers: GradientWorkers | null
  /** Draws each row's dropout seed; already advanced past the LoRA init (or restored from a checkpoint). */
  rng: Rng
  train: readonly TokenRecord[]
  validation: readonly TokenRecord[]
  plan: StepPlan
  schedule: LrSchedule
  fingerprint: string
  onProgress: (progress: TrainProgress) => void
  /** Aborting stops the run the way `stop()` does (checkpoint first). */
  signal?: AbortSignal
  /** State to continue from (a resumed run). */
  resume?: CheckpointContents
}

/** What a run's `gradientCheckpointing` asks of each gradient: every block and every logits chunk recomputed. */
export function computeOptionsFor(config: Pick<RunConfigValues, 'gradientCheckpointing'>): ComputeOptions {
  return config.gradientCheckpointing ? { recomputeBlocks: true, loss: { recompute: true } } : {}
}

/** Thrown inside a step that must not be applied: a loss or gradient norm that is not finite, a GPU error. */
class StepRefused extends Error {}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

export class Trainer {
  private readonly s: TrainerSetup
  private readonly adam: AdamW
  private step: number
  private elapsedBefore: number
  private bestEvalLoss: number | null
  private lastTrainLoss: number | null = null
  private lastEvalLoss: number | null = null
  private lastCheckpoint: CheckpointInfo | null = null
  private peakRss = 0
  private peakTf = 0
  /** Tensor memory of the worker threads after the last step (their model copies). */
  private workerTfBytes = 0
  /** The status this trainer last reported (main sets `running` before the job starts). */
  private status: 'running' | 'paused' = 'running'
  private pauseRequested = false
  private stopRequested = false
  private wake: (() => void) | null = null
  private orderCache: { epoch: number; order: number[] } | null = null

  constructor(setup: TrainerSetup) {
    this.s = setup
    const c = setup.config
    this.adam = new AdamW(setup.lora.variables(), {
      lr: c.learningRate,
      beta1: c.adamBeta1,
      beta2: c.adamBeta2,
      eps: c.adamEpsilon,
      weightDecay: c.weightDecay
    })
    const r = setup.resume
    if (r) {
      if (r.state.dataFingerprint !== setup.fingerprint) {
        throw new Error(
          `the checkpoint at step ${r.state.step} was trained on other data (${r.state.dataFingerprint}, now ${setup.fingerprint}); ` +
            'resume with the same data, or start a new run from its adapter'
        )
      }
      this.adam.importState(r.optimizer)
      setup.rng.setState(r.state.rng)
    }
    if (r) {
      this.lastCheckpoint = {
        step: r.state.step,
        path: checkpointDir(setup.runDir, r.state.step),
        reason: r.state.reason,
        evalLoss: r.state.evalLoss,
        trainLoss: r.state.trainLoss,
        createdAt: r.state.createdAt
      }
    }
    this.step = r?.state.step ?? 0
    this.elapsedBefore = r?.state.elapsedS ?? 0
    this.bestEvalLoss = r?.state.bestEvalLoss ?? null
    this.lastTrainLoss = r?.state.trainLoss ?? null
    this.lastEvalLoss = r?.state.evalLoss ?? null
  }

  /** The LoRA layers being trained. */
  get loraAdapter(): LoraAdapter {
    return this.s.lora
  }

  pause(): boolean {
    if (this.stopRequested) return false
    this.pauseRequested = true
    return true
  }

  resume(): boolean {
    const was = this.pauseRequested
    this.pauseRequested = false
    this.wake?.()
    return was
  }

  stop(): boolean {
    this.stopRequested = true
    this.wake?.()
    return true
  }

  async run(): Promise<TrainJobOutput> {
    const { plan, config } = this.s
    const onAbort = () => this.stop()
    this.s.signal?.addEventListener('abort', onAbort, { once: true })
    if (this.s.signal?.aborted) this.stop()
    const started = performance.now()
    const startStep = this.step
    try {
      while (this.step < plan.totalSteps) {
        await yieldToEventLoop()
        if (this.stopRequested) return await this.finishStopped()
        if (this.pauseRequested) {
          await this.checkpoint('pause')
          this.report('paused')
          // A resume or stop that came while the checkpoint was written has nothing to wake: wait only if none did.
          while (this.pauseRequested && !this.stopRequested) {
            await new Promise<void>((resolve) => (this.wake = resolve))
            this.wake = null
          }
          if (this.stopRequested) return await this.finishStopped()
          this.report('running')
        }
        const t0 = performance.now()
        let result: { loss: number; gradNorm: number; lr: number; tokens: number }
        try {
          if (this.step === startStep) {
            // The first step of a session is profiled, for the true tensor-memory peak inside backward.
            let first: typeof result | null = null
            const info = await tf.profile(async () => {
              first = await this.trainStep(this.step)
            })
            this.peakTf = Math.max(this.peakTf, info.peakBytes)
            result = first as unknown as typeof result
          } else {
            result = await this.trainStep(this.step)
          }
        } catch (err) {
          if (err instanceof StepRefused) return this.finishFailed(err.message)
          throw err
        }
        this.step++
        const stepS = (performance.now() - t0) / 1000
        const sessionS = (performance.now() - started) / 1000
        const perStep = sessionS / (this.step - startStep)
        this.lastTrainLoss = result.loss
        this.s.onProgress({
          kind: 'metric',
          metric: this.metric({
            trainLoss: result.loss,
            learningRate: result.lr,
            gradNorm: result.gradNorm,
            tokensPerS: result.tokens / stepS,
            elapsedS: this.elapsedBefore + sessionS,
            etaS: perStep * (plan.totalSteps - this.step)
          })
        })
        const last = this.step === plan.totalSteps
        let newBest = false
        if (
          this.s.validation.length > 0 &&
          ((config.evalEvery !== null && this.step % config.evalEvery === 0) || last)
        ) {
          newBest = await this.evaluateAndReport(this.elapsedBefore + (performance.now() - started) / 1000)
        }
        if (last) break
        if (this.stopRequested) continue
        if (this.step % config.saveEvery === 0) await this.checkpoint('periodic')
        else if (newBest) await this.checkpoint('best')
      }
      this.elapsedBefore += (performance.now() - started) / 1000
      await this.checkpoint('final')
      const adapterPath = join(this.s.runDir, 'adapter')
      await writePeftAdapter(adapterPath, await this.adapterContents())
      return this.output('completed', null, adapterPath)
    } finally {
      this.s.signal?.removeEventListener('abort', onAbort)
    }
  }

  /** Runs optimizer step `step` (a dry run: nothing logged or saved), with its time and tensor-memory peak. */
  async timedStep(step: number): Promise<{ stepS: number; tokens: number; peakTfBytes: number }> {
    const t0 = performance.now()
    const { tokens } = await this.trainStep(step)
    return { stepS: (performance.now() - t0) / 1000, tokens, peakTfBytes: this.peakTf }
  }

  /**
   * One optimizer step (0-based `step`): gradients of its micro-batches over the workers, weighted by
   * target tokens, each row with its own dropout seed drawn here in data order.
   */
  private async trainStep(
    step: number
  ): Promise<{ loss: number; gradNorm: number; lr: number; tokens: number }> {
    const { plan, config, model } = this.s
    const data = stepData(plan, step, config.seed, (n, seed, epoch) => this.order(n, seed, epoch))
    const micro: MicroBatch[] = data.microBatches.map((idx) => ({
      records: idx.map((i) => this.s.train[i]),
      seeds: idx.map(() => this.s.rng.nextUint32())
    }))
    const records = micro.flatMap((m) => m.records)
    const targets = records.reduce((n, r) => n + targetTokenCount(r), 0)
    const tokens = records.reduce((n, r) => n + r.inputIds.length, 0)
    const lr = learningRateAt(this.s.schedule, step)
    const g = await dataParallelGradients(
      model,
      this.s.workers,
      micro,
      targets > 0 ? 1 / targets : 0,
      computeOptionsFor(config)
    )
    this.workerTfBytes = g.workerTfBytes
    const grads = g.grads
    let update: tf.Tensor[] = []
    let norm: tf.Scalar | null = null
    try {
      if (config.maxGradNorm > 0) {
        const clipped = clipGradNorm(grads, config.maxGradNorm)
        norm = clipped.totalNorm
        update = clipped.grads
      } else {
        norm = globalNorm(grads)
        update = grads
      }
      // The step's one read: loss and gradient norm together, before the update may be applied.
      const both = tf.stack([g.lossSum, norm])
      const [lossSum, gradNorm] = await both.data()
      both.dispose()
      try {
        throwIfGpuFailed(`step ${step + 1}`)
      } catch (err) {
        throw new StepRefused(`${(err as Error).message} ${this.keptCheckpoint()}`)
      }
      const loss = targets > 0 ? lossSum / targets : 0
      if (!Number.isFinite(loss)) throw new StepRefused(this.nonFiniteMessage('loss', loss, step, lr))
      if (!Number.isFinite(gradNorm))
        throw new StepRefused(this.nonFiniteMessage('gradient norm', gradNorm, step, lr))
      this.adam.update(update, lr)
      this.notePeaks()
      return { loss, gradNorm, lr, tokens }
    } finally {
      tf.dispose([...grads, g.lossSum, ...(norm === null ? [] : [norm]), ...(update === grads ? [] : update)])
    }
  }

  private order(n: number, seed: number, epoch: number): number[] {
    if (this.orderCache?.epoch !== epoch) this.orderCache = { epoch, order: epochOrder(n, seed, epoch) }
    return this.orderCache.order
  }

  private lastGood(): string {
    return this.lastCheckpoint ? `step-${this.lastCheckpoint.step}` : 'none yet (no checkpoint was written)'
  }

  private keptCheckpoint(): string {
    return `Training stopped before applying that update. Last good checkpoint: ${this.lastGood()}.`
  }

  private nonFiniteMessage(what: string, value: number, step: number, lr: number): string {
    const kept = this.lastGood()
    return (
      `The ${what} became ${value} at step ${step + 1}; training stopped before applying that update. ` +
      `Last good checkpoint: ${kept}. Resume from it with a lower learning rate (this step used ${lr.toExponential(2)}) ` +
      'or a smaller max grad norm, or check the data for empty or broken records.'
    )
  }

  /**
   * Token-weighted mean loss on the validation records, in eval mode (no dropout): one read at the end.
   * Yields between batches, so a stop is heard during a long evaluation; null when a stop cut it short.
   */
  async evaluate(): Promise<{ loss: number; tokens: number } | null> {
    const { model, config, validation } = this.s
    const sums: tf.Scalar[] = []
    let count = 0
    try {
      for (let i = 0; i < validation.length; i += config.batchSize) {
        if (this.stopRequested) return null
        const batch = collate(validation.slice(i, i + config.batchSize))
        sums.push(
          tf.tidy(() => {
            const hidden = model.hiddenStates(batch, { train: false })
            // No backward pass here: `recompute` makes the loss skip the probabilities it would keep for one.
            const out = causalLmLoss(hidden, model.lmHead, batch.labels, batch.batch, batch.seqLen, {
              recompute: true
            })
            count += out.count
            return out.lossSum
          })
        )
        // Let the event loop run between batches (pause/stop requests, progress).
        await yieldToEventLoop()
      }
      this.notePeaks()
      if (sums.length === 0) return { loss: Number.NaN, tokens: 0 }
      // Per-batch sums read in one go and added in float64, as before.
      const all = tf.stack(sums)
      const values = await all.data()
      all.dispose()
      throwIfGpuFailed('the evaluation loss')
      let sum = 0
      for (const v of values) sum += v
      return { loss: count > 0 ? sum / count : Number.NaN, tokens: count }
    } finally {
      tf.dispose(sums)
    }
  }

  private async evaluateAndReport(elapsedS: number): Promise<boolean> {
    const result = await this.evaluate()
    if (result === null) return false
    const { loss } = result
    this.lastEvalLoss = loss
    const newBest = Number.isFinite(loss) && (this.bestEvalLoss === null || loss < this.bestEvalLoss)
    if (newBest) this.bestEvalLoss = loss
    this.s.onProgress({
      kind: 'metric',
      metric: { ...this.metric({ elapsedS }), evalLoss: loss, perplexity: Math.exp(loss) }
    })
    return newBest
  }

  private metric(fields: Partial<RunMetric> & { elapsedS: number }): RunMetric {
    const mem = this.notePeaks()
    return {
      step: this.step,
      epoch: this.step / this.s.plan.stepsPerEpoch,
      trainLoss: null,
      learningRate: null,
      gradNorm: null,
      tokensPerS: null,
      evalLoss: null,
      perplexity: null,
      etaS: null,
      tfBytes: mem.tf,
      rssBytes: mem.rss,
      ...fields
    }
  }

  private notePeaks(): { tf: number; rss: number } {
    const mem = { tf: tf.memory().numBytes + this.workerTfBytes, rss: process.memoryUsage().rss }
    this.peakTf = Math.max(this.peakTf, mem.tf)
    this.peakRss = Math.max(this.peakRss, mem.rss)
    return mem
  }

  private async adapterContents() {
    return {
      settings: fromLoraConfig(this.s.lora.config),
      modules: await this.s.lora.readWeights(),
      baseModel: this.s.config.baseModel
    }
  }

  private async checkpoint(reason: CheckpointReason): Promise<CheckpointInfo> {
    const { plan, config } = this.s
    const inEpoch = this.step % plan.stepsPerEpoch
    const state: TrainerState = {
      version: 1,
      step: this.step,
      totalSteps: plan.totalSteps,
      epoch: Math.floor(this.step / plan.stepsPerEpoch),
      cursor: inEpoch * plan.gradientAccumulation,
      dataSeed: config.seed,
      recordCount: plan.recordCount,
      dataFingerprint: this.s.fingerprint,
      rng: this.s.rng.getState(),
      schedule: this.s.schedule,
      adamStep: this.adam.step,
      elapsedS: this.elapsedBefore,
      trainLoss: this.lastTrainLoss,
      evalLoss: this.lastEvalLoss,
      bestEvalLoss: this.bestEvalLoss,
      reason,
      createdAt: new Date().toISOString()
    }
    let info: CheckpointInfo
    try {
      const [adapter, optimizer] = await Promise.all([this.adapterContents(), this.adam.exportState()])
      info = await writeCheckpoint(this.s.runDir, {
        state,
        lora: adapter.settings,
        weights: adapter.modules,
        optimizer,
        baseModel: adapter.baseModel,
        paramNames: this.s.lora.parameterNames()
      })
    } catch (err) {
      const kept = this.lastCheckpoint
        ? `step-${this.lastCheckpoint.step} is intact`
        : 'there is no earlier checkpoint'
      throw new Error(
        `Could not write the checkpoint at step ${this.step} (${(err as Error).message}); ${kept}. ` +
          'Free disk space (or fix the folder) and resume the run.'
      )
    }
    this.lastCheckpoint = info
    const removed = await pruneCheckpoints(this.s.runDir, config.keepLast)
    this.s.onProgress({ kind: 'checkpoint', checkpoint: info, removed })
    return info
  }

  private async finishStopped(): Promise<TrainJobOutput> {
    // Stopped before its first step: nothing was trained, so there is nothing to checkpoint.
    if (this.step === 0) {
      return this.output('stopped', 'Stopped before its first step; nothing was trained.', null)
    }
    if (this.lastCheckpoint?.step !== this.step) await this.checkpoint('stop')
    return this.output(
      'stopped',
      `Stopped at step ${this.step} of ${this.s.plan.totalSteps}; resume continues from here.`,
      null
    )
  }

  private finishFailed(message: string): TrainJobOutput {
    return this.output('failed', message, null)
  }

  /** Reports a pause or a resume, as src/shared/run-states.ts lets the trainer move a run. */
  private report(status: 'running' | 'paused'): void {
    this.status = checkMove(this.status, status, 'trainer')
    this.s.onProgress({ kind: 'status', status, message: null })
  }

  private output(
    status: TrainJobOutput['status'],
    message: string | null,
    adapterPath: string | null
  ): TrainJobOutput {
    return {
      status: checkMove(this.status, status, 'trainer'),
      step: this.step,
      totalSteps: this.s.plan.totalSteps,
      message,
      adapterPath,
      lastCheckpoint: this.lastCheckpoint,
      peakRssBytes: this.peakRss,
      peakTfBytes: this.peakTf
    }
  }

  dispose(): void {
    this.adam.dispose()
  }
}
