// Sets up one run in the engine from a `train` job's input: loads the base model and the tokenized
// records, builds the LoRA layers (fresh, from a PEFT adapter, or from a checkpoint), plans the
// steps and the schedule, and hands everything to the Trainer. Also keeps the runs this engine is
// training, so `trainControl` can pause, resume or stop them.
import { existsSync } from 'node:fs'
import { freemem } from 'node:os'
import type { LoraSettingsConfig, RunConfigValues } from '../../shared/runs'
import type {
  DryRunResult,
  TrainJobInput,
  TrainJobOutput,
  TrainProgress
} from '../../shared/training-protocol'
import { engineBackend } from '../backend'
import { loadDecoderFolder } from '../formats/decoder-folder'
import type { DecoderConfig } from '../formats/decoder-folder'
import { Rng } from '../generation/rng'
import { createDecoderModel } from '../model/create-decoder'
import { decoderDims } from '../model/decoder-model'
import type { DecoderModel } from '../model/decoder-model'
import { LoraAdapter, loraTargetModules } from '../model/lora'
import type { LoraWeightArrays } from '../model/lora'
import { resolveWarmupSteps } from '../optim/lr-schedule'
import { dataFingerprint, readCheckpoint } from './checkpoint-files'
import type { CheckpointContents } from './checkpoint-files'
import { toLoraConfig } from './lora-settings'
import { estimateRun, workerCopyBytes } from './memory-estimate'
import { withGpuFit } from './gpu-fit'
import { gpuFitRefusal } from '../../shared/gpu-fit-refusal'
import { GradientWorkers, resolveWorkerCount, shareWeights } from './gradient-workers'
import { readPeftAdapter } from './peft-adapter'
import { collectGarbageNow } from './release-memory'
import { Trainer } from './trainer'
import { packRecords, planSteps, readTokenizedJsonl, splitValidation, truncateRecords } from './training-data'
import type { TokenRecord } from './training-data'

const active = new Map<number, Trainer>()

export function activeTrainer(runId: number): Trainer | undefined {
  return active.get(runId)
}

function sameLora(a: LoraSettingsConfig, b: LoraSettingsConfig): boolean {
  return (
    a.r === b.r &&
    a.alpha === b.alpha &&
    a.rsLora === b.rsLora &&
    [...a.targetModules].sort().join(',') === [...b.targetModules].sort().join(',')
  )
}

function describeLora(l: LoraSettingsConfig): string {
  return `r ${l.r}, alpha ${l.alpha}${l.rsLora ? ' (rsLoRA)' : ''} on ${l.targetModules.join(', ')}`
}

/** Train and validation records after the split and packing/truncation the config asks for. */
export async function loadRunRecords(
  input: Pick<TrainJobInput, 'trainFile' | 'validationFile'>,
  config: RunConfigValues,
  model: DecoderConfig,
  signal?: AbortSignal
): Promise<{ train: TokenRecord[]; validation: TokenRecord[] }> {
  const { maxPositions, vocabSize } = decoderDims(model)
  const field = model.modelType === 'gpt2' ? 'n_positions' : 'max_position_embeddings'
  if (config.maxLength > maxPositions) {
    throw new Error(
      `max length ${config.maxLength} is longer than the model's ${field} (${maxPositions}); set it to ${maxPositions} or less`
    )
  }
  let train = await readTokenizedJsonl(input.trainFile, vocabSize, signal)
  let validation: TokenRecord[] = []
  if (config.validation.kind === 'split') {
    const split = splitValidation(train, config.validation.ratio, config.seed)
    train = split.train
    validation = split.validation
  } else if (input.validationFile !== null) {
    validation = await readTokenizedJsonl(input.validationFile, vocabSize, signal)
  }
  const shape = (records: TokenRecord[]) =>
    config.packing ? packRecords(records, config.maxLength) : truncateRecords(records, config.maxLength)
  return { train: shape(train), validation: validation.length > 0 ? shape(validation) : [] }
}

/** Parameter names in LoraAdapter.variables() order: A then B of each targeted module. */
function parameterNames(model: DecoderConfig, lora: LoraSettingsConfig): string[] {
  return loraTargetModules(model, toLoraConfig(lora)).flatMap((m) => [
    `${m.name}.lora_A.weight`,
    `${m.name}.lora_B.weight`
  ])
}

async function initialWeights(
  input: TrainJobInput,
  model: DecoderConfig
): Promise<{ weights: Map<string, LoraWeightArrays> | undefined; resume: CheckpointContents | undefined }> {
  const want = input.config.lora
  if (input.resumeFrom !== null) {
    if (!existsSync(input.resumeFrom))
      throw new Error(`checkpoint folder ${input.resumeFrom} is gone; pick another checkpoint`)
    const resume = await readCheckpoint(input.resumeFrom, model, parameterNames(model, want))
    if (!sameLora(resume.lora, want)) {
      throw new Error(
        `checkpoint ${input.resumeFrom} has LoRA ${describeLora(resume.lora)}, the run asks ${describeLora(want)}`
      )
    }
    return { weights: resume.weights, resume }
  }
  if (input.config.initAdapter !== null) {
    const adapter = await readPeftAdapter(input.config.initAdapter, model)
    if (!sameLora(adapter.settings, want)) {
      throw new Error(
        `the adapter in ${input.config.initAdapter} has LoRA ${describeLora(adapter.settings)}, but this run asks ` +
          `${describeLora(want)}; set the run's LoRA settings to the adapter's to continue training it`
      )
    }
    return { weights: adapter.modules, resume: undefined }
  }
  return { weights: undefined, resume: undefined }
}

interface PreparedRun {
  trainer: Trainer
  started: Extract<TrainProgress, { kind: 'started' }>
  dispose(): Promise<void>
}

/** Loads model and data, builds the LoRA layers and the Trainer; the caller disposes. */
async function prepareRun(
  input: TrainJobInput,
  onProgress: (progress: TrainProgress) => void,
  signal?: AbortSignal
): Promise<PreparedRun> {
  // Stop may come in any phase of the set-up (the model loading, the records read): each phase ends by
  // checking, so a stopped run ends here at once with nothing trained.
  const backend = await engineBackend()
  signal?.throwIfAborted()
  const { config } = input
  // What this process holds before the model loads: the runtime part of the memory estimate.
  const runtimeBytes = process.memoryUsage().rss
  const checkpoint = await loadDecoderFolder(config.baseModel)
  signal?.throwIfAborted()
  const base = checkpoint.config
  const { train, validation } = await loadRunRecords(input, config, base, signal)
  const longest = Math.max(...train.map((r) => r.inputIds.length))
  const estimateOptions = {
    batchSize: config.batchSize,
    seqLength: longest,
    lora: config.lora,
    logitsChunkTokens: 256,
    gradientCheckpointing: config.gradientCheckpointing,
    backend: backend.name,
    runtimeBytes
  }
  const single = withGpuFit(estimateRun(base, estimateOptions), base, estimateOptions, backend.adapter)
  // Refused before any tensor exists: a step that needs a larger tensor than the GPU can hold would fail mid-run.
  const refusal = gpuFitRefusal(single)
  if (refusal) throw refusal
  const { weights, resume } = await initialWeights(input, base)
  signal?.throwIfAborted()
  const rng = new Rng(config.seed)
  const loraConfig = toLoraConfig(config.lora)
  const lora = LoraAdapter.create(base, loraConfig, rng, weights)
  const workerChoice = resolveWorkerCount({
    requested: config.workers,
    backend: backend.name,
    rowsPerStep: Math.min(train.length, config.batchSize * config.gradientAccumulation),
    // Each further worker holds its own runtime, weights, packed weights and step tensors.
    bytesPerWorker: workerCopyBytes(base, estimateOptions, config.batchSize),
    freeBytes: freemem()
  })
  const workerCount = workerChoice.count
  // The run's estimate with the workers it got: each computes its share of a micro-batch.
  const estimate =
    workerCount === 1
      ? single
      : { ...single, memory: estimateRun(base, { ...estimateOptions, workers: workerCount }).memory }
  let workers: GradientWorkers | null = null
  let model: DecoderModel
  if (workerCount > 1) {
    const shared = shareWeights(checkpoint.weights)
    checkpoint.weights.clear()
    model = createDecoderModel(base, shared, lora)
    try {
      workers = await GradientWorkers.start(workerCount - 1, backend.name, {
        config: base,
        lora: loraConfig,
        weights: shared
      })
    } catch (err) {
      lora.dispose()
      model.dispose()
      throw err
    }
    if (signal?.aborted) {
      await workers.dispose()
      lora.dispose()
      model.dispose()
      signal.throwIfAborted()
    }
  } else {
    model = createDecoderModel(base, checkpoint.weights, lora)
    checkpoint.weights.clear()
  }
  // The backends hold the weights now (wasm copies them into its heap): free the loaded arrays and the
  // shared copy at once rather than whenever this thread next collects (GPT-2-small: 474 MiB each).
  collectGarbageNow()
  const plan = planSteps(train.length, config)
  const schedule = {
    kind: config.schedule,
    baseLr: config.learningRate,
    totalSteps: plan.totalSteps,
    warmupSteps: resolveWarmupSteps(plan.totalSteps, config.warmupSteps, config.warmupRatio)
  }
  const disposeModel = async () => {
    await workers?.dispose()
    lora.dispose()
    model.dispose()
  }
  let trainer: Trainer
  try {
    trainer = new Trainer({
      runDir: input.runDir,
      config,
      model,
      lora,
      workers,
      rng,
      train,
      validation,
      plan,
      schedule,
      fingerprint: dataFingerprint(train),
      onProgress,
      signal,
      resume
    })
  } catch (err) {
    await disposeModel()
    throw err
  }
  return {
    trainer,
    started: {
      kind: 'started',
      totalSteps: plan.totalSteps,
      stepsPerEpoch: plan.stepsPerEpoch,
      trainSamples: train.length,
      validationSamples: validation.length,
      estimate,
      resumedFromStep: resume?.state.step ?? 0,
      workers: workerCount,
      workersWhy: workerChoice.why
    },
    async dispose() {
      trainer.dispose()
      await disposeModel()
    }
  }
}

/** Runs the `train` job: set up, train until done, stopped or failed, and free every tensor. */
export async function runTraining(
  input: TrainJobInput,
  onProgress: (progress: TrainProgress) => void,
  signal?: AbortSignal
): Promise<TrainJobOutput> {
  if (active.has(input.runId)) throw new Error(`run ${input.runId} is already training in this engine`)
  const prepared = await prepareRun(input, onProgress, signal)
  try {
    active.set(input.runId, prepared.trainer)
    onProgress(prepared.started)
    return await prepared.trainer.run()
  } finally {
    active.delete(input.runId)
    await prepared.dispose()
  }
}

/**
 * The dry run before a run starts: two real optimizer steps on the run's first data (the first
 * warms the backend up, the second is timed), nothing written; the ETA is that step time × steps.
 */
export async function measureRun(
  input: Omit<TrainJobInput, 'runId' | 'runDir' | 'resumeFrom'>,
  signal?: AbortSignal
): Promise<DryRunResult> {
  const prepared = await prepareRun(
    { ...input, runId: 0, runDir: '', resumeFrom: null },
    () => undefined,
    signal
  )
  try {
    const { totalSteps, estimate } = prepared.started
    signal?.throwIfAborted()
    await prepared.trainer.timedStep(0)
    signal?.throwIfAborted()
    const timed = await prepared.trainer.timedStep(Math.min(1, totalSteps - 1))
    return {
      stepS: timed.stepS,
      tokensPerS: timed.tokens / timed.stepS,
      totalSteps,
      etaS: timed.stepS * totalSteps,
      peakRssBytes: process.memoryUsage().rss,
      peakTfBytes: timed.peakTfBytes,
      estimate
    }
  } finally {
    await prepared.dispose()
  }
}
