// Runs one bench case: builds a random model of the case's size with LoRA, warms up, times N optimizer
// steps or generate calls, optionally profiles one, and returns speed, memory and efficiency figures.
import * as tf from '@tensorflow/tfjs-core'
import { availableParallelism } from 'node:os'
import { backendNames, initBackend, isBackendName, isGpuBackend } from '../src/engine/backend'
import type { BackendName } from '../src/shared/system'
import { generate } from '../src/engine/generation/generate'
import { DEFAULT_GENERATION_OPTIONS } from '../src/engine/generation/generation-options'
import type { GenerationOptions } from '../src/engine/generation/generation-options'
import { Rng } from '../src/engine/generation/rng'
import { createDecoderModel } from '../src/engine/model/create-decoder'
import type { DecoderModel } from '../src/engine/model/decoder-model'
import { DecoderCausalLm } from '../src/engine/model/decoder-session'
import { LoraAdapter } from '../src/engine/model/lora'
import { IGNORE_INDEX, recomputesByDefault, shiftedTargets } from '../src/engine/model/causal-lm-loss'
import type { LossOptions } from '../src/engine/model/causal-lm-loss'
import { dataParallelGradients } from '../src/engine/training/data-parallel-step'
import { sharePieces } from '../src/engine/training/gradient-pieces'
import type { MicroBatch } from '../src/engine/training/gradient-pieces'
import { GradientWorkers, shareWeights } from '../src/engine/training/gradient-workers'
import { fromLoraConfig } from '../src/engine/training/lora-settings'
import { estimateTrainingMemory } from '../src/engine/training/memory-estimate'
import { collectGarbageNow } from '../src/engine/training/release-memory'
import { AdamW } from '../src/engine/optim/adamw'
import { clipGradNorm } from '../src/engine/optim/clip-grad-norm'
import type { CaseResult } from './case-result'
import { defaultRepeats, findCase } from './cases'
import type { BenchCase, GenerateCase, TrainCase } from './cases'
import { decodeFlops, prefillFlops, trainStepFlops } from './flops'
import { profileStep } from './kernel-profile'
import type { KernelProfile } from './kernel-profile'
import { matMulSpeed, sampleMatMul } from './matmul-probe'
import { median, RssMeter, timedAsync } from './process-meter'
import { randomDecoderWeights, randomTokenIds } from './random-weights'
import { wasmHeapRefusal } from './wasm-heap'

export interface CaseRequest {
  case: string
  backend?: string
  /** Timed repetitions after the warm-up; default 3 for training, 1 for generation. */
  steps?: number
  profile: boolean
  /** Loss settings for training cases (default: the trainer's, 256-token chunks without recomputation). */
  loss?: LossOptions
  /** Data-parallel workers for training cases (1 = the training thread alone); default one per core on a CPU
   *  backend, one on a GPU backend (one device: more threads would only share it). */
  workers?: number
  /** false: skip timing the training thread alone (the speed-up) when there are several workers. */
  singleWorker?: boolean
  /** Training cases: recompute each transformer block in the backward pass (gradient checkpointing). */
  recomputeBlocks?: boolean
}

function progress(name: string, text: string): void {
  process.stderr.write(`[${name}] ${text}\n`)
}

/** A row's labels: its ids, with -100 on the first `prefix` positions (an SFT prompt). */
function maskedLabels(ids: Int32Array, prefix: number): Int32Array {
  const labels = Int32Array.from(ids)
  labels.fill(IGNORE_INDEX, 0, prefix)
  return labels
}

/** Labels of one row that are predicted (the shift drops position 0). */
function targetCount(labels: Int32Array): number {
  return shiftedTargets(labels, 1, labels.length).rows.length
}

interface Built {
  model: DecoderModel
  lora: LoraAdapter
  /** Worker threads besides this one (training cases with --workers > 1). */
  pool: GradientWorkers | null
  setupMs: number
}

async function buildModel(c: BenchCase, workers: number, backend: BackendName): Promise<Built> {
  const t0 = performance.now()
  const config = c.config
  let weights: ReturnType<typeof randomDecoderWeights> | null = randomDecoderWeights(config, 1)
  if (workers > 1) weights = shareWeights(weights)
  const lora = LoraAdapter.create(config, c.lora, new Rng(2))
  const model = createDecoderModel(config, weights, lora)
  const pool =
    workers > 1 ? await GradientWorkers.start(workers - 1, backend, { config, lora: c.lora, weights }) : null
  weights = null
  collectGarbageNow()
  return { model, lora, pool, setupMs: performance.now() - t0 }
}

interface Measured {
  tokensPerS: number
  stepMs: number
  stepMsAll: number[]
  cpuMs: number
  tokensPerCpuS: number
  flopsPerStep: number
  tfPeakBytes: number
  leakedTensorsPerStep: number
  extra: Partial<CaseResult>
  profile?: KernelProfile
}

interface TimedSteps {
  walls: number[]
  cpus: number[]
  warmMs: number
}

async function measureTrain(
  c: TrainCase,
  built: Built,
  req: CaseRequest,
  meter: RssMeter
): Promise<Measured> {
  const { model, lora, pool } = built
  const ids = randomTokenIds(c.batch * c.seqLen, c.config.vocabSize, 3)
  const records = Array.from({ length: c.batch }, (_, b) => {
    const row = ids.slice(b * c.seqLen, (b + 1) * c.seqLen)
    return { inputIds: row, labels: maskedLabels(row, c.maskedPrefix ?? 0) }
  })
  const targets = records.reduce((n, r) => n + targetCount(r.labels), 0)
  const recomputeBlocks = (req.recomputeBlocks ?? false) || (c.recomputeBlocks ?? false)
  // What the loss chose for its largest pass, as the workers share the batch (or what --loss-recompute forced).
  const passTargets = sharePieces([{ records, seeds: null }], 1 + (pool?.size ?? 0))
    .flat()
    .map((p) => shiftedTargets(p.batch.labels, p.batch.batch, p.batch.seqLen).rows.length)
  const recomputeLogits =
    req.loss?.recompute ?? recomputesByDefault(Math.max(...passTargets), c.config.vocabSize)
  const rng = new Rng(4)
  const adam = new AdamW(lora.variables(), { lr: 5e-5 })
  let loss = Number.NaN
  // One optimizer step as the trainer takes it: gradients over the workers, global-norm clipping, AdamW.
  const step = async (workers: GradientWorkers | null) => {
    const micro: MicroBatch = { records, seeds: records.map(() => rng.nextUint32()) }
    const g = await dataParallelGradients(model, workers, [micro], 1 / targets, {
      loss: req.loss,
      recomputeBlocks
    })
    const clipped = clipGradNorm(g.grads, 1)
    adam.update(clipped.grads)
    loss = (await g.lossSum.data())[0] / g.targetTokens
    tf.dispose([...g.grads, ...clipped.grads, clipped.totalNorm, g.lossSum])
  }
  const steps = req.steps ?? defaultRepeats(c)
  const timeSteps = async (workers: GradientWorkers | null, label: string): Promise<TimedSteps> => {
    const warm = await timedAsync(() => step(workers))
    meter.sample()
    progress(c.name, `${label}: warm-up ${(warm.wallMs / 1000).toFixed(1)} s, loss ${loss.toFixed(3)}`)
    const walls: number[] = []
    const cpus: number[] = []
    for (let i = 0; i < steps; i++) {
      const t = await timedAsync(() => step(workers))
      meter.sample()
      walls.push(t.wallMs)
      cpus.push(t.cpuMs)
      progress(
        c.name,
        `${label}: step ${i + 1}/${steps}: ${(t.wallMs / 1000).toFixed(2)} s wall, ${(t.cpuMs / 1000).toFixed(2)} s CPU`
      )
    }
    return { walls, cpus, warmMs: warm.wallMs }
  }
  // The warm-up is profiled for the training thread's peak tensor memory: with the whole batch on one
  // worker, or with its share of it when the one-worker timing is skipped (--no-single-worker).
  const timeSingle = pool === null || req.singleWorker !== false
  const warmWorkers = timeSingle ? null : pool
  progress(
    c.name,
    `profiled warm-up step on ${timeSingle ? 'one worker' : 'every worker'} (peak tensor memory)`
  )
  const warm = await profileStep(() => step(warmWorkers), 15, false).catch(async (err: unknown) => {
    // tfjs's profiler loses a kernel's own exception (out of memory, say): run once more without it.
    await step(warmWorkers)
    throw err
  })
  meter.sample()
  const tensorsBefore = tf.memory().numTensors
  const single = timeSingle ? await timeSteps(null, '1 worker') : null
  const parallel =
    pool === null && single !== null ? single : await timeSteps(pool, `${1 + (pool?.size ?? 0)} workers`)
  const stepsRun = (steps + 1) * (single !== null && pool !== null ? 2 : 1)
  const leaked = (tf.memory().numTensors - tensorsBefore) / stepsRun
  let profile: KernelProfile | undefined
  if (req.profile) {
    progress(c.name, 'profiled step (one worker)')
    profile = await profileStep(() => step(null))
  }
  adam.dispose()
  const tokens = c.batch * c.seqLen
  const stepMs = median(parallel.walls)
  const cpuMs = median(parallel.cpus)
  const singleStepMs = single === null ? null : median(single.walls)
  return {
    tokensPerS: tokens / (stepMs / 1000),
    stepMs,
    stepMsAll: parallel.walls,
    cpuMs,
    tokensPerCpuS: tokens / (cpuMs / 1000),
    flopsPerStep: trainStepFlops(c.config, c.lora, c.batch, c.seqLen, targets),
    tfPeakBytes: warm.peakBytes,
    leakedTensorsPerStep: leaked,
    extra: {
      loss,
      recomputeBlocks,
      lossSettings: { ...req.loss, recompute: recomputeLogits },
      workers: 1 + (pool?.size ?? 0),
      ...(singleStepMs === null
        ? {}
        : {
            singleWorker: { tokensPerS: tokens / (singleStepMs / 1000), stepMs: singleStepMs },
            speedup: singleStepMs / stepMs
          })
    },
    profile
  }
}

async function measureGenerate(
  c: GenerateCase,
  built: Built,
  req: CaseRequest,
  meter: RssMeter
): Promise<Measured> {
  const lm = new DecoderCausalLm(built.model)
  const prompt = Array.from(randomTokenIds(c.promptTokens, c.config.vocabSize, 5))
  const options = (maxNewTokens: number): GenerationOptions => ({
    ...DEFAULT_GENERATION_OPTIONS,
    maxNewTokens,
    doSample: false,
    temperature: 0,
    eosTokenId: null,
    stopOnEos: false
  })
  // Decode phase alone: wall and CPU time from the first streamed token (prefill done) to the end.
  const run = async (maxNewTokens: number) => {
    let firstWall = 0
    let firstCpu = 0
    const result = await generate(lm, prompt, options(maxNewTokens), {
      decodeBytes: () => new Uint8Array(0),
      onToken: () => {
        if (firstWall !== 0) return
        firstWall = performance.now()
        const u = process.cpuUsage()
        firstCpu = (u.user + u.system) / 1000
      }
    })
    const u = process.cpuUsage()
    return {
      result,
      decodeWallMs: performance.now() - firstWall,
      decodeCpuMs: (u.user + u.system) / 1000 - firstCpu
    }
  }
  progress(c.name, 'warm-up (8 tokens, profiled for peak tensor memory)')
  const warm = await profileStep(() => run(8), 15, false).catch(async (err: unknown) => {
    await run(8)
    throw err
  })
  meter.sample()
  const repeats = req.steps ?? defaultRepeats(c)
  const perTokenWall: number[] = []
  const perTokenCpu: number[] = []
  const prefills: number[] = []
  const tensorsBefore = tf.memory().numTensors
  for (let i = 0; i < repeats; i++) {
    const t = await timedAsync(() => run(c.newTokens))
    meter.sample()
    const decoded = t.value.result.newTokens - 1
    perTokenWall.push(t.value.decodeWallMs / decoded)
    perTokenCpu.push(t.value.decodeCpuMs / decoded)
    prefills.push(t.value.result.prefillMs)
    progress(
      c.name,
      `run ${i + 1}/${repeats}: prefill ${t.value.result.prefillMs.toFixed(0)} ms, ` +
        `${(1000 / (t.value.decodeWallMs / decoded)).toFixed(1)} tokens/s decoding`
    )
  }
  const leaked = (tf.memory().numTensors - tensorsBefore) / repeats
  let profile: KernelProfile | undefined
  if (req.profile) {
    progress(c.name, 'profiled generate (32 tokens)')
    profile = await profileStep(() => run(32))
  }
  const stepMs = median(perTokenWall)
  const cpuMs = median(perTokenCpu)
  const decoded = c.newTokens - 1
  return {
    tokensPerS: 1000 / stepMs,
    stepMs,
    stepMsAll: perTokenWall,
    cpuMs,
    tokensPerCpuS: 1000 / cpuMs,
    flopsPerStep: decodeFlops(c.config, c.lora, c.promptTokens, decoded) / decoded,
    tfPeakBytes: warm.peakBytes,
    leakedTensorsPerStep: leaked,
    extra: {
      prefillMs: median(prefills),
      promptTokens: c.promptTokens,
      newTokens: c.newTokens,
      prefillGflops: prefillFlops(c.config, c.lora, c.promptTokens) / median(prefills) / 1e6
    },
    profile
  }
}

export async function runCase(req: CaseRequest): Promise<CaseResult> {
  const c = findCase(req.case)
  if (req.backend !== undefined && !isBackendName(req.backend)) {
    throw new Error(`--backend ${req.backend} is not a backend; use one of ${backendNames.join(', ')}`)
  }
  const info = await initBackend(req.backend)
  progress(c.name, `backend ${info.name}: ${info.reason}`)
  const before = await sampleMatMul()
  progress(
    c.name,
    `matMul probe: ${Math.min(...before.wallMs).toFixed(1)} ms at best (${before.productsPerSample} per read)`
  )
  // As the trainer does: no more workers than rows in a step (1 × 1024 has nothing to share).
  const wanted = req.workers ?? (isGpuBackend(info.name) ? 1 : availableParallelism())
  const workers = c.kind === 'train' ? Math.min(wanted, c.batch) : 1
  if (c.kind === 'train' && info.name === 'wasm') {
    const refusal = wasmHeapRefusal(c, {
      recomputeBlocks: (req.recomputeBlocks ?? false) || (c.recomputeBlocks ?? false),
      loss: req.loss,
      rows: workers === 1 || req.singleWorker !== false ? c.batch : Math.ceil(c.batch / workers)
    })
    if (refusal !== null) throw new Error(refusal)
  }
  progress(c.name, `building ${c.description}`)
  // The process before the model: the estimate's runtime part.
  const runtimeBytes = process.memoryUsage().rss
  const built = await buildModel(c, workers, info.name)
  const meter = new RssMeter()
  meter.reset()
  const setupRssBytes = meter.sample()
  meter.start()
  const m =
    c.kind === 'train'
      ? await measureTrain(c, built, req, meter)
      : await measureGenerate(c, built, req, meter)
  meter.stop()
  // Probed again after the case: the fastest product of both probes is the backend's speed.
  const matMul = matMulSpeed(before, await sampleMatMul())
  progress(
    c.name,
    `matMul ${matMul.shape}: ${matMul.wallMs.toFixed(1)} ms, ${matMul.gflopsWall.toFixed(1)} GFLOP/s`
  )
  const achievedGflops = m.flopsPerStep / m.stepMs / 1e6
  const achievedGflopsCpu = m.flopsPerStep / m.cpuMs / 1e6
  // Each worker has one core's matMul speed: efficiency is per worker, so 1.0 is every core at that speed.
  const cores = m.extra.workers ?? 1
  const fastest = Math.min(...m.stepMsAll)
  const estimate =
    c.kind === 'train'
      ? estimateTrainingMemory(c.config, {
          batchSize: c.batch,
          seqLength: c.seqLen,
          lora: fromLoraConfig(c.lora),
          ...(req.loss?.chunkTokens === undefined ? {} : { logitsChunkTokens: req.loss.chunkTokens }),
          gradientCheckpointing: m.extra.recomputeBlocks ?? false,
          workers: cores,
          // With the one-worker timing, the training thread ran the whole batch too.
          ...(m.extra.singleWorker !== undefined || cores === 1 ? { trainingThreadRows: c.batch } : {}),
          backend: info.name,
          runtimeBytes
        })
      : null
  const result: CaseResult = {
    case: c.name,
    kind: c.kind,
    description: c.description,
    backend: info.name,
    backendReason: info.reason,
    repeats: m.stepMsAll.length,
    tokensPerS: m.tokensPerS,
    stepMs: m.stepMs,
    fastestStepMs: fastest,
    // tokens/s is inversely proportional to the step time, in training and in decoding alike.
    fastestTokensPerS: (m.tokensPerS * m.stepMs) / fastest,
    stepMsAll: m.stepMsAll,
    cpuMs: m.cpuMs,
    cpuShare: m.cpuMs / m.stepMs,
    tokensPerCpuS: m.tokensPerCpuS,
    flopsPerStep: m.flopsPerStep,
    achievedGflops,
    achievedGflopsCpu,
    matMul,
    efficiency: achievedGflops / (cores * matMul.gflopsWall),
    efficiencyCpu: achievedGflopsCpu / matMul.gflopsCpu,
    peakRssSampledBytes: meter.sampledPeak,
    peakRssBytes: meter.highWaterMark,
    setupRssBytes,
    tfPeakBytes: m.tfPeakBytes,
    ...(estimate === null
      ? {}
      : { memoryEstimateBytes: estimate.totalBytes, tensorEstimateBytes: estimate.tensorBytes }),
    leakedTensorsPerStep: m.leakedTensorsPerStep,
    setupMs: built.setupMs,
    ...m.extra,
    ...(m.profile ? { profile: m.profile } : {})
  }
  await built.pool?.dispose()
  built.model.dispose()
  built.lora.dispose()
  return result
}
