// What a LoRA training step on GPT-2 or a Llama/Qwen2/Qwen3 decoder should need in memory, worked out from the architecture and the
// run config before the run starts, component by component, so it can be shown beside the measured peak:
// the tensors (tf.memory's peak), and on a CPU backend the whole process (RSS), calibrated on measurements.
import { recomputesByDefault } from '../model/causal-lm-loss'
import { isGpuBackend as isGpuBackendName } from '../backend'
import { LM_HEAD_BLOCK } from '../model/frozen-weights'
import type {
  LoraSettingsConfig,
  MemoryEstimate,
  MemoryFacts,
  MemoryPart,
  RunEstimate,
  StepTensor
} from '../../shared/runs'
import type { BackendName } from '../../shared/system'
import { countGpt2Parameters } from '../formats/gpt2-weights'
import { countLlamaParameters } from '../formats/llama-weights'
import { decoderDims } from '../model/decoder-model'
import { linearModules, loraTargetModules, trainableParamsLine } from '../model/lora'
import type { DecoderConfig, LinearModule } from '../model/lora'
import { toLoraConfig } from './lora-settings'

const F32 = 4
/** causal-lm-loss's default chunkTokens. */
const DEFAULT_LOSS_CHUNK = 256

export function loraParamCount(modules: readonly LinearModule[], r: number): number {
  return modules.reduce((sum, m) => sum + r * (m.inFeatures + m.outFeatures), 0)
}

export interface EstimateOptions {
  /** Sequences per micro-batch (gradient accumulation does not add memory). */
  batchSize: number
  /** Tokens per sequence. */
  seqLength: number
  lora: LoraSettingsConfig
  /** Tokens whose logits are alive at once; the loss's default chunk (256) unless given. */
  logitsChunkTokens?: number
  /** The engine keeps a transposed copy of every frozen matrix for fast backward products. */
  transposedWeights?: boolean
  /** Gradient checkpointing: only each block's input is kept; one block's activations live at a time. */
  gradientCheckpointing?: boolean
  /** Threads computing gradients, the training thread included (default 1); each holds a model copy. */
  workers?: number
  /** Rows the training thread computes at once (default: its share of the micro-batch). */
  trainingThreadRows?: number
  /**
   * Where the step runs: on a CPU backend (wasm, cpu, tfjs-node; the default) the estimate is the
   * process's peak RSS; on a GPU backend (webgpu, tfjs-node-gpu) the tensors alone (GPU memory).
   */
  backend?: BackendName
  /**
   * The process's memory before the model loads (Node, V8, tfjs and its backend): the caller's own RSS,
   * measured just before (default RUNTIME_BYTES).
   */
  runtimeBytes?: number
}

const MiB = 2 ** 20
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`

/**
 * Calibrated on wasm (GPT-2-small 1 and 2 × 256, the tiny model 2 × 64; tf.profile's peak bytes): tfjs's tape
 * keeps every op's inputs, which the listed activations and scores leave out (GELU's intermediates, the
 * dropout masks and dropped copies, LayerNorm's centred input and statistics): measured 1.66–1.78× them.
 */
export const AUTODIFF_EXTRA = 0.7
/**
 * With gradient checkpointing the peak comes while one block is recomputed and differentiated: its tape and
 * its gradients live at once beside the block inputs. Measured on GPT-2-small 1 × 1024 (tf peak 1662 MiB, of
 * which 949 MiB weights): 2.3× that block's activations and scores (one measurement; the ±15 % of the
 * other cases is not yet shown for other checkpointed shapes).
 */
export const AUTODIFF_EXTRA_RECOMPUTED = 2.3
/**
 * XNNPACK (wasm's matMul) packs every constant right-hand operand once and keeps it for the tensor's life:
 * W for x·W, Wᵀ for dy·Wᵀ and the LM head's blocks both ways. Measured on GPT-2-small: 943 MiB of wasm heap
 * beyond tf's peak, at batch 1 and 2 alike — 2.0× the transposed copies (471 MiB).
 */
export const XNNPACK_PACKED_PER_TRANSPOSED = 2
/** A wasm instance's heap starts at 16 MiB and never shrinks. */
export const WASM_HEAP_MIN_BYTES = 16 * MiB
/**
 * A worker thread's own runtime (V8 isolate, tfjs, the compiled wasm module): measured 66 MiB beside its
 * model copy (tiny model CLI run: 255 MiB peak with 1 worker, 337 MiB with 2).
 */
export const WORKER_THREAD_BYTES = 66 * MiB
/** The training thread's JavaScript heap growth over the steps (tape records, kernel bookkeeping): measured 15–25 MiB. */
export const STEP_JS_HEAP_BYTES = 16 * MiB
/** The engine process before a model loads, when the caller has not measured it (CLI on Linux: ~240 MiB). */
export const RUNTIME_BYTES = 240 * MiB

/** The sizes the estimate reads, whatever the family: GPT-2 (Conv1D, GELU MLP) or Llama/Qwen (GQA, SwiGLU). */
interface EstimateShape {
  layers: number
  width: number
  /** Query heads: attention scores are per query head, grouped k/v or not. */
  heads: number
  vocabSize: number
  /** q|k|v width: 3·d on GPT-2, (heads + 2·kvHeads)·head_dim with grouped-query attention. */
  qkvWidth: number
  /** The MLP's hidden width (n_inner, or intermediate_size for SwiGLU). */
  inner: number
  /** Floats a token keeps per layer for the backward pass. */
  actsPerToken: number
  baseParams: number
  /** Σ in·out of every linear layer, plus the LM head (tied or not, transposed once). */
  transposedElements: number
}

function estimateShape(config: DecoderConfig): EstimateShape {
  const dims = decoderDims(config)
  const matrices = linearModules(config).reduce((sum, m) => sum + m.inFeatures * m.outFeatures, 0)
  if (config.modelType === 'gpt2') {
    const d = config.nEmbd
    return {
      layers: dims.numLayers,
      width: d,
      heads: dims.attentionHeads,
      vocabSize: dims.vocabSize,
      qkvWidth: 3 * d,
      inner: config.nInner,
      // ln_1 out, q|k|v, attention output, c_proj out, residual, ln_2 out, MLP pre-activation and GELU output, MLP out
      actsPerToken: d + 3 * d + d + d + d + d + 2 * config.nInner + d,
      baseParams: countGpt2Parameters(config),
      transposedElements: matrices + config.vocabSize * d
    }
  }
  const d = config.hiddenSize
  const q = config.numAttentionHeads * config.headDim
  const kv = config.numKeyValueHeads * config.headDim
  const inter = config.intermediateSize
  // input norm out, q k v, rotated q k (and q/k norms on qwen3), attention output, o_proj out, residual,
  // post norm out, gate and up, silu(gate) and the product, down out
  const qkNorm = config.qkNorm ? q + kv : 0
  return {
    layers: dims.numLayers,
    width: d,
    heads: dims.attentionHeads,
    vocabSize: dims.vocabSize,
    qkvWidth: q + 2 * kv,
    inner: inter,
    actsPerToken: d + (q + 2 * kv) + (q + kv) + qkNorm + q + d + d + d + 4 * inter + d,
    baseParams: countLlamaParameters(config),
    transposedElements: matrices + config.vocabSize * d
  }
}

interface Part {
  key: MemoryPart
  name: string
  bytes: number
  detail: string
  facts: MemoryFacts
}

/**
 * The tensors one thread holds at its peak for `rows` sequences: frozen weights (and their transposed
 * copies), LoRA weights with gradients and AdamW's two moments, activations kept for the backward pass
 * with the tape's intermediates, attention scores b·h·t² per layer, one chunk's logits and the saved
 * probabilities (float32: tfjs has no float16).
 */
function tensorParts(config: DecoderConfig, opts: EstimateOptions, rows: number): Part[] {
  const shape = estimateShape(config)
  const t = opts.seqLength
  const d = shape.width
  const tokens = rows * t
  const modules = loraTargetModules(config, toLoraConfig(opts.lora))
  const baseParams = shape.baseParams
  const loraParams = loraParamCount(modules, opts.lora.r)
  const parts: Part[] = []
  const add = (
    key: MemoryPart,
    name: string,
    bytes: number,
    detail: string,
    facts: MemoryFacts = { key, values: {} }
  ) => parts.push({ key, name, bytes, detail, facts })

  add(
    'frozenWeights',
    'frozen weights',
    baseParams * F32,
    `${baseParams.toLocaleString('en-US')} parameters × 4 bytes (float32)`,
    { key: 'frozenWeights', values: { params: baseParams } }
  )
  if (opts.transposedWeights ?? true) {
    add(
      'transposedWeights',
      'transposed weight copies',
      transposedBytes(config),
      'every linear matrix and the LM head, stored transposed once'
    )
  }
  add(
    'loraWeights',
    'LoRA weights',
    loraParams * F32,
    `${loraParams.toLocaleString('en-US')} trainable parameters (${modules.length} modules)`,
    { key: 'loraWeights', values: { params: loraParams, modules: modules.length } }
  )
  add('loraGradients', 'LoRA gradients', loraParams * F32, 'one float32 gradient per trainable parameter')
  add('adamMoments', 'AdamW moments', 2 * loraParams * F32, 'exp_avg and exp_avg_sq per trainable parameter')

  // Per layer, kept for backward (see estimateShape); LoRA intermediates x·Aᵀ and the dropout mask.
  const perLayerActs = tokens * shape.actsPerToken
  const loraActs = modules.reduce(
    (sum, m) => sum + tokens * (opts.lora.r + (opts.lora.dropout > 0 ? m.inFeatures : 0)),
    0
  )
  const checkpointed = opts.gradientCheckpointing ?? false
  // With checkpointing every block keeps its input, and one block at a time its activations.
  const liveLayers = checkpointed ? 1 : shape.layers
  const activations =
    (liveLayers * perLayerActs +
      (loraActs * liveLayers) / shape.layers +
      2 * tokens * d +
      (checkpointed ? shape.layers * tokens * d : 0)) *
    F32
  add(
    'activations',
    'activations',
    activations,
    checkpointed
      ? `${shape.layers} block inputs of ${tokens} tokens × ${d}, plus one block's ~${Math.round(perLayerActs / tokens)} floats a token (recomputed)`
      : `${shape.layers} layers × ${tokens} tokens × ~${Math.round(perLayerActs / tokens)} floats, plus LoRA inputs`,
    {
      key: checkpointed ? 'activationsCheckpointed' : 'activations',
      values: { layers: shape.layers, tokens, width: d, floats: Math.round(perLayerActs / tokens) }
    }
  )
  const scores = liveLayers * 2 * rows * shape.heads * t * t * F32
  add(
    'attentionScores',
    'attention scores',
    scores,
    `scores and softmax b·h·t² = ${rows}·${shape.heads}·${t}² per layer, ${liveLayers} layer${liveLayers === 1 ? ' at a time' : 's'}`,
    {
      key: checkpointed ? 'attentionScoresCheckpointed' : 'attentionScores',
      values: { rows, heads: shape.heads, t, layers: liveLayers }
    }
  )
  const extra = checkpointed ? AUTODIFF_EXTRA_RECOMPUTED : AUTODIFF_EXTRA
  add(
    'autodiffIntermediates',
    'autodiff intermediates',
    extra * (activations + scores),
    checkpointed
      ? `${extra}× activations and scores: the recomputed block's tape and gradients, alive at once (measured)`
      : `${extra}× activations and scores: what tfjs's tape keeps besides them (GELU's intermediates, dropout masks, LayerNorm statistics; measured)`,
    { key: checkpointed ? 'autodiffIntermediatesCheckpointed' : 'autodiffIntermediates', values: { extra } }
  )
  const chunk = Math.min(opts.logitsChunkTokens ?? DEFAULT_LOSS_CHUNK, tokens)
  add(
    'logits',
    'logits',
    chunk * shape.vocabSize * F32,
    `${chunk} tokens × ${shape.vocabSize} vocab: one chunk's logits at the peak`,
    { key: 'logits', values: { tokens: chunk, vocab: shape.vocabSize } }
  )
  // The loss keeps every target token's probabilities for the backward pass unless that would pass
  // its budget (or checkpointing asks it to recompute them chunk by chunk).
  if (!checkpointed && !recomputesByDefault(tokens, shape.vocabSize)) {
    add(
      'savedProbabilities',
      'saved probabilities',
      tokens * shape.vocabSize * F32,
      `${tokens} tokens × ${shape.vocabSize} vocab, kept for the backward pass`,
      { key: 'savedProbabilities', values: { tokens, vocab: shape.vocabSize } }
    )
  }
  return parts
}

/** Every linear matrix and the LM head, once. */
function transposedBytes(config: DecoderConfig): number {
  return estimateShape(config).transposedElements * F32
}

const sum = (parts: readonly Part[]) => parts.reduce((s, p) => s + p.bytes, 0)

/**
 * Memory of one training step. On a GPU backend: the training thread's tensors. On a CPU backend the
 * process's peak RSS: those tensors; the backend's own buffers (wasm: XNNPACK's packed weights, and a heap
 * of at least 16 MiB); the runtime the process had before the model (measured by the caller); and each
 * further worker thread's copy — its runtime, its tensors for its share of the rows and its backend
 * buffers (wasm gives every thread its own heap: nothing in it can be shared). The loaded and the shared
 * host arrays of the weights are freed once the backends hold them and are not counted.
 */
export function estimateTrainingMemory(shape: DecoderConfig, opts: EstimateOptions): MemoryEstimate {
  const workers = Math.max(1, Math.min(opts.workers ?? 1, opts.batchSize))
  const share = Math.ceil(opts.batchSize / workers)
  const tensors = tensorParts(shape, opts, opts.trainingThreadRows ?? share)
  const tensorBytes = sum(tensors)
  const backend = opts.backend ?? 'wasm'
  if (isGpuBackendName(backend)) {
    return finish(tensors, tensorBytes)
  }
  const parts: Part[] = [...tensors]
  const wasm = backend === 'wasm'
  const packed = wasm ? XNNPACK_PACKED_PER_TRANSPOSED * transposedBytes(shape) : 0
  // A thread's backend memory beyond its tensors: the packed weights, and the rest of wasm's minimum heap.
  const buffersOf = (threadTensors: number) =>
    wasm ? packed + Math.max(0, WASM_HEAP_MIN_BYTES - threadTensors - packed) : 0
  if (wasm) {
    parts.push({
      key: 'backendBuffers',
      name: 'backend buffers',
      bytes: buffersOf(tensorBytes),
      detail: `XNNPACK's packed weights (${XNNPACK_PACKED_PER_TRANSPOSED}× the transposed copies: W, Wᵀ and the LM head both ways; measured) in the training thread's wasm heap`,
      facts: { key: 'backendBuffers', values: { factor: XNNPACK_PACKED_PER_TRANSPOSED } }
    })
  }
  const runtime = opts.runtimeBytes ?? RUNTIME_BYTES
  parts.push({
    key: 'runtime',
    name: 'runtime',
    bytes: runtime + STEP_JS_HEAP_BYTES,
    detail:
      (opts.runtimeBytes === undefined
        ? `Node, V8, tfjs and its backend before the model loads (${mib(runtime)}, a typical engine process)`
        : `Node, V8, tfjs and its backend before the model loads (${mib(runtime)}, this process, measured)`) +
      `, and the steps' JavaScript heap (${mib(STEP_JS_HEAP_BYTES)})`,
    facts: {
      key: opts.runtimeBytes === undefined ? 'runtime' : 'runtimeMeasured',
      values: { runtimeBytes: runtime, heapBytes: STEP_JS_HEAP_BYTES }
    }
  })
  if (workers > 1) {
    const workerTensors = sum(tensorParts(shape, opts, share))
    const each = workerCopyBytes(shape, opts, share)
    parts.push({
      key: 'workerCopies',
      name: "workers' copies",
      bytes: (workers - 1) * each,
      detail: `${workers - 1} worker thread${workers > 2 ? 's' : ''} × ${mib(each)}: own runtime ${mib(WORKER_THREAD_BYTES)}, weights and step tensors for ${share} row${share === 1 ? '' : 's'} ${mib(workerTensors)}${wasm ? ', packed weights' : ''} (each wasm instance has its own heap)`,
      facts: {
        key: wasm ? 'workerCopiesWasm' : 'workerCopies',
        values: {
          workers: workers - 1,
          eachBytes: each,
          ownBytes: WORKER_THREAD_BYTES,
          rows: share,
          tensorsBytes: workerTensors
        }
      }
    })
  }
  return finish(parts, tensorBytes)
}

/** What one further worker thread adds to the process when it computes `rows` sequences at a time. */
export function workerCopyBytes(shape: DecoderConfig, opts: EstimateOptions, rows: number): number {
  const tensors = sum(tensorParts(shape, opts, rows))
  if (isGpuBackendName(opts.backend ?? 'wasm')) return tensors
  const packed =
    (opts.backend ?? 'wasm') === 'wasm' ? XNNPACK_PACKED_PER_TRANSPOSED * transposedBytes(shape) : 0
  const heapMin =
    (opts.backend ?? 'wasm') === 'wasm' ? Math.max(0, WASM_HEAP_MIN_BYTES - tensors - packed) : 0
  return WORKER_THREAD_BYTES + tensors + packed + heapMin
}

function finish(parts: readonly Part[], tensorBytes: number): MemoryEstimate {
  return {
    totalBytes: sum(parts),
    tensorBytes,
    components: parts.map((c) => ({ ...c, detail: `${c.detail} — ${mib(c.bytes)}` }))
  }
}

/**
 * The largest single tensor a training step makes, for a GPU's per-binding limit: the MLP's activations
 * `[b·t, n_inner]` on GPT-2, else q|k|v `[b·t, 3E]`, one (batch, head)'s attention scores `[t, t]`, one logits
 * block of a chunk `[chunk, ≤ LM head block]` or the largest frozen matrix `[E, n_inner]`. The embedding and
 * the LM head are cut into blocks that fit the limit, so they never count.
 */
export function largestStepTensor(config: DecoderConfig, opts: EstimateOptions): StepTensor {
  const shape = estimateShape(config)
  const tokens = opts.batchSize * opts.seqLength
  const d = shape.width
  const chunk = Math.min(opts.logitsChunkTokens ?? tokens, tokens)
  const candidates: [string, number[]][] = [
    ['MLP activations', [tokens, shape.inner]],
    ['q|k|v', [tokens, shape.qkvWidth]],
    ['attention scores of one head', [opts.seqLength, opts.seqLength]],
    ['logits of one chunk and LM head block', [chunk, Math.min(shape.vocabSize, LM_HEAD_BLOCK)]],
    ['frozen MLP weight', [d, shape.inner]]
  ]
  return candidates
    .map(([name, dims]) => ({ name, shape: dims, bytes: dims.reduce((a, n) => a * n, F32) }))
    .reduce((best, t) => (t.bytes > best.bytes ? t : best))
}

/**
 * Memory of chatting with the model (and its adapter) in the engine, at a prompt filling the model's
 * context, from the same parts as a training step: the frozen weights and their transposed copies
 * (generation builds the same layers), the LoRA weights, the KV cache (keys and values of every layer at
 * every position), one layer's activations and attention scores while the prompt is read, the last
 * token's logits; on a CPU backend also the backend's buffers (wasm: the forward pass packs W only,
 * half of training's measured packing) and the runtime.
 */
export function estimateInferenceMemory(
  config: DecoderConfig,
  opts: Pick<EstimateOptions, 'backend' | 'runtimeBytes'> & { lora?: LoraSettingsConfig }
): MemoryEstimate {
  const shape = estimateShape(config)
  const t = decoderDims(config).maxPositions
  const d = shape.width
  // The cache holds the key/value heads' keys and values (grouped-query heads as they are, not repeated).
  const kvWidth = config.modelType === 'gpt2' ? config.nEmbd : config.numKeyValueHeads * config.headDim
  // SwiGLU keeps gate and up; GPT-2's MLP one pre-activation.
  const mlpWidth = config.modelType === 'gpt2' ? shape.inner : 2 * shape.inner
  const loraParams = opts.lora
    ? loraParamCount(loraTargetModules(config, toLoraConfig(opts.lora)), opts.lora.r)
    : 0
  const baseParams = shape.baseParams
  const tensors: Part[] = [
    {
      key: 'frozenWeights',
      name: 'frozen weights',
      bytes: baseParams * F32,
      detail: `${baseParams.toLocaleString('en-US')} parameters × 4 bytes (float32)`,
      facts: { key: 'frozenWeights', values: { params: baseParams } }
    },
    {
      key: 'transposedWeights',
      name: 'transposed weight copies',
      bytes: transposedBytes(config),
      detail: 'every Conv1D matrix and the tied LM head, stored transposed once',
      facts: { key: 'transposedWeights', values: {} }
    },
    ...(opts.lora
      ? [
          {
            key: 'loraWeights' as const,
            name: 'LoRA weights',
            bytes: loraParams * F32,
            detail: `${loraParams.toLocaleString('en-US')} adapter parameters`,
            facts: { key: 'loraWeightsInference' as const, values: { params: loraParams } }
          }
        ]
      : []),
    {
      key: 'kvCache',
      name: 'KV cache',
      bytes: 2 * shape.layers * t * kvWidth * F32,
      detail: `keys and values: 2 × ${shape.layers} layers × ${t} positions (the context) × ${kvWidth}`,
      facts: { key: 'kvCache', values: { layers: shape.layers, t, width: kvWidth } }
    },
    {
      key: 'activations',
      name: 'activations',
      bytes: t * (shape.qkvWidth + mlpWidth + 2 * d) * F32,
      detail: `one layer at a time while a ${t}-token prompt is read`,
      facts: { key: 'activationsInference', values: { t } }
    },
    {
      key: 'attentionScores',
      name: 'attention scores',
      bytes: shape.heads * t * t * F32,
      detail: `h·t² = ${shape.heads}·${t}² for one layer`,
      facts: { key: 'attentionScoresInference', values: { heads: shape.heads, t } }
    },
    {
      key: 'logits',
      name: 'logits',
      bytes: shape.vocabSize * F32,
      detail: `the last token's ${shape.vocabSize} scores`,
      facts: { key: 'logitsInference', values: { vocab: shape.vocabSize } }
    }
  ]
  const tensorBytes = sum(tensors)
  const backend = opts.backend ?? 'wasm'
  if (isGpuBackendName(backend)) return finish(tensors, tensorBytes)
  const parts = [...tensors]
  if (backend === 'wasm') {
    const packed = (XNNPACK_PACKED_PER_TRANSPOSED / 2) * transposedBytes(config)
    parts.push({
      key: 'backendBuffers',
      name: 'backend buffers',
      bytes: packed + Math.max(0, WASM_HEAP_MIN_BYTES - tensorBytes - packed),
      detail: "XNNPACK's packed weights: W for x·W and the LM head (the forward pass packs no Wᵀ)",
      facts: { key: 'backendBuffersInference', values: {} }
    })
  }
  const runtime = opts.runtimeBytes ?? RUNTIME_BYTES
  parts.push({
    key: 'runtime',
    name: 'runtime',
    bytes: runtime,
    detail: `Node, V8, tfjs and its backend before the model loads (${mib(runtime)})`,
    facts: { key: 'runtimeInference', values: { runtimeBytes: runtime } }
  })
  return finish(parts, tensorBytes)
}

/** The estimate a run records before it starts: PEFT's trainable line and the memory components. */
export function estimateRun(shape: DecoderConfig, opts: EstimateOptions): RunEstimate {
  const modules = loraTargetModules(shape, toLoraConfig(opts.lora))
  const trainable = loraParamCount(modules, opts.lora.r)
  const all = estimateShape(shape).baseParams + trainable
  return {
    trainableLine: trainableParamsLine(shape, toLoraConfig(opts.lora)),
    trainableParams: trainable,
    allParams: all,
    memory: estimateTrainingMemory(shape, opts),
    inference: estimateInferenceMemory(shape, opts)
  }
}
