// What a LoRA training step on GPT-2 should need in memory, worked out from the architecture and the
// run config before the run starts, component by component, so it can be shown beside the measured peak.
import { recomputesByDefault } from '../model/causal-lm-loss'
import { LM_HEAD_BLOCK } from '../model/frozen-weights'
import type {
  LoraSettingsConfig,
  MemoryComponent,
  MemoryEstimate,
  RunEstimate,
  StepTensor
} from '../../shared/runs'
import { countGpt2Parameters } from '../formats/gpt2-weights'
import type { Gpt2Config } from '../formats/hf-config'
import { loraTargetModules, trainableParamsLine } from '../model/lora'
import type { LinearModule } from '../model/lora'
import { toLoraConfig } from './lora-settings'

const F32 = 4

export function loraParamCount(modules: readonly LinearModule[], r: number): number {
  return modules.reduce((sum, m) => sum + r * (m.inFeatures + m.outFeatures), 0)
}

export interface EstimateOptions {
  /** Sequences per micro-batch (gradient accumulation does not add memory). */
  batchSize: number
  /** Tokens per sequence. */
  seqLength: number
  lora: LoraSettingsConfig
  /** Tokens whose logits are alive at once; the whole micro-batch unless the loss is chunked. */
  logitsChunkTokens?: number
  /** The engine keeps a transposed copy of every frozen matrix for fast backward products. */
  transposedWeights?: boolean
  /** Gradient checkpointing: only each block's input is kept; one block's activations live at a time. */
  gradientCheckpointing?: boolean
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`

/**
 * Memory of one training step, in float32 (tfjs has no float16):
 * frozen weights (and their transposed copies), LoRA weights with gradients and AdamW's two
 * moments, activations kept for the backward pass, attention scores b·h·t² per layer, and the
 * logits of one chunk with their softmax and gradient.
 */
export function estimateTrainingMemory(shape: Gpt2Config, opts: EstimateOptions): MemoryEstimate {
  const { batchSize: b, seqLength: t } = opts
  const d = shape.nEmbd
  const inner = shape.nInner
  const tokens = b * t
  const modules = loraTargetModules(shape, toLoraConfig(opts.lora))
  const baseParams = countGpt2Parameters(shape)
  const loraParams = loraParamCount(modules, opts.lora.r)
  const components: MemoryComponent[] = []
  const add = (name: string, bytes: number, detail: string) => components.push({ name, bytes, detail })

  add(
    'frozen weights',
    baseParams * F32,
    `${baseParams.toLocaleString('en-US')} parameters × 4 bytes (float32)`
  )
  if (opts.transposedWeights ?? true) {
    const matrices = shape.nLayer * (d * 3 * d + d * d + 2 * d * inner) + shape.vocabSize * d
    add(
      'transposed weight copies',
      matrices * F32,
      'every Conv1D matrix and the tied LM head, stored transposed once'
    )
  }
  add(
    'LoRA weights',
    loraParams * F32,
    `${loraParams.toLocaleString('en-US')} trainable parameters (${modules.length} modules)`
  )
  add('LoRA gradients', loraParams * F32, 'one float32 gradient per trainable parameter')
  add('AdamW moments', 2 * loraParams * F32, 'exp_avg and exp_avg_sq per trainable parameter')

  // Per layer, kept for backward: ln_1 out, q|k|v, attention output, c_proj out, residual, ln_2 out,
  // MLP pre-activation and GELU output, MLP out; LoRA intermediates x·Aᵀ and the dropout mask.
  const perLayerActs = tokens * (d + 3 * d + d + d + d + d + 2 * inner + d)
  const loraActs = modules.reduce(
    (sum, m) => sum + tokens * (opts.lora.r + (opts.lora.dropout > 0 ? m.inFeatures : 0)),
    0
  )
  const checkpointed = opts.gradientCheckpointing ?? false
  // With checkpointing every block keeps its input, and one block at a time its activations.
  const liveLayers = checkpointed ? 1 : shape.nLayer
  const activations =
    (liveLayers * perLayerActs +
      (loraActs * liveLayers) / shape.nLayer +
      2 * tokens * d +
      (checkpointed ? shape.nLayer * tokens * d : 0)) *
    F32
  add(
    'activations',
    activations,
    checkpointed
      ? `${shape.nLayer} block inputs of ${tokens} tokens × ${d}, plus one block's ~${Math.round(perLayerActs / tokens)} floats a token (recomputed)`
      : `${shape.nLayer} layers × ${tokens} tokens × ~${Math.round(perLayerActs / tokens)} floats, plus LoRA inputs`
  )
  const scores = liveLayers * 2 * b * shape.nHead * t * t * F32
  add(
    'attention scores',
    scores,
    `scores and softmax b·h·t² = ${b}·${shape.nHead}·${t}² per layer, ${liveLayers} layer${liveLayers === 1 ? ' at a time' : 's'}`
  )
  const chunk = Math.min(opts.logitsChunkTokens ?? tokens, tokens)
  add(
    'logits',
    3 * chunk * shape.vocabSize * F32,
    `${chunk} tokens × ${shape.vocabSize} vocab: logits, softmax, gradient`
  )
  // The loss keeps every target token's probabilities for the backward pass unless that would pass
  // its budget (or checkpointing asks it to recompute them chunk by chunk).
  if (!checkpointed && !recomputesByDefault(tokens, shape.vocabSize)) {
    add(
      'saved probabilities',
      tokens * shape.vocabSize * F32,
      `${tokens} tokens × ${shape.vocabSize} vocab, kept for the backward pass`
    )
  }

  const totalBytes = components.reduce((s, c) => s + c.bytes, 0)
  return {
    totalBytes,
    components: components.map((c) => ({ ...c, detail: `${c.detail} — ${mib(c.bytes)}` }))
  }
}

/**
 * The largest single tensor a training step makes, for a GPU's per-binding limit: the MLP's activations
 * `[b·t, n_inner]` on GPT-2, else q|k|v `[b·t, 3E]`, one (batch, head)'s attention scores `[t, t]`, one logits
 * block of a chunk `[chunk, ≤ LM head block]` or the largest frozen matrix `[E, n_inner]`. The embedding and
 * the LM head are cut into blocks that fit the limit, so they never count.
 */
export function largestStepTensor(shape: Gpt2Config, opts: EstimateOptions): StepTensor {
  const tokens = opts.batchSize * opts.seqLength
  const d = shape.nEmbd
  const chunk = Math.min(opts.logitsChunkTokens ?? tokens, tokens)
  const candidates: [string, number[]][] = [
    ['MLP activations', [tokens, shape.nInner]],
    ['q|k|v', [tokens, 3 * d]],
    ['attention scores of one head', [opts.seqLength, opts.seqLength]],
    ['logits of one chunk and LM head block', [chunk, Math.min(shape.vocabSize, LM_HEAD_BLOCK)]],
    ['frozen MLP weight', [d, shape.nInner]]
  ]
  return candidates
    .map(([name, dims]) => ({ name, shape: dims, bytes: dims.reduce((a, n) => a * n, F32) }))
    .reduce((best, t) => (t.bytes > best.bytes ? t : best))
}

/** The estimate a run records before it starts: PEFT's trainable line and the memory components. */
export function estimateRun(shape: Gpt2Config, opts: EstimateOptions): RunEstimate {
  const modules = loraTargetModules(shape, toLoraConfig(opts.lora))
  const trainable = loraParamCount(modules, opts.lora.r)
  const all = countGpt2Parameters(shape) + trainable
  return {
    trainableLine: trainableParamsLine(shape, toLoraConfig(opts.lora)),
    trainableParams: trainable,
    allParams: all,
    memory: estimateTrainingMemory(shape, opts)
  }
}
