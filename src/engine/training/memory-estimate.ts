// What a LoRA training step on GPT-2 should need in memory, worked out from the architecture and the
// run config before the run starts, component by component, so it can be shown beside the measured peak.
import type { LoraSettingsConfig, MemoryComponent, MemoryEstimate, RunEstimate } from '../../shared/runs'
import { countGpt2Parameters } from '../formats/gpt2-weights'
import type { Gpt2Config } from '../formats/hf-config'

export interface LoraModule {
  /** PEFT's module name without the `transformer.` prefix, e.g. `h.0.attn.c_attn`. */
  name: string
  inFeatures: number
  outFeatures: number
}

const F32 = 4

/** Every Conv1D of GPT-2 with its shape, in model order. */
export function gpt2LinearModules(shape: Gpt2Config): LoraModule[] {
  const d = shape.nEmbd
  const inner = shape.nInner
  const out: LoraModule[] = []
  for (let i = 0; i < shape.nLayer; i++) {
    out.push({ name: `h.${i}.attn.c_attn`, inFeatures: d, outFeatures: 3 * d })
    out.push({ name: `h.${i}.attn.c_proj`, inFeatures: d, outFeatures: d })
    out.push({ name: `h.${i}.mlp.c_fc`, inFeatures: d, outFeatures: inner })
    out.push({ name: `h.${i}.mlp.c_proj`, inFeatures: inner, outFeatures: d })
  }
  return out
}

/** PEFT's rule: a target matches a module whose full name equals it or ends with `.` + it. */
export function matchesTarget(moduleName: string, target: string): boolean {
  const full = `transformer.${moduleName}`
  return full === target || full.endsWith(`.${target}`)
}

/** The modules LoRA wraps; throws PEFT's complaint when a target matches nothing. */
export function loraModules(shape: Gpt2Config, targets: readonly string[]): LoraModule[] {
  const all = gpt2LinearModules(shape)
  for (const t of targets) {
    if (!all.some((m) => matchesTarget(m.name, t))) {
      throw new Error(
        `LoRA target module "${t}" matches nothing in this GPT-2 model; use names such as c_attn, attn.c_proj, mlp.c_fc or c_proj.`
      )
    }
  }
  return all.filter((m) => targets.some((t) => matchesTarget(m.name, t)))
}

export function loraParamCount(modules: readonly LoraModule[], r: number): number {
  return modules.reduce((sum, m) => sum + r * (m.inFeatures + m.outFeatures), 0)
}

/** PEFT's `print_trainable_parameters()` line, digit for digit. */
export function trainableParamsLine(trainable: number, all: number): string {
  const fmt = (n: number) => n.toLocaleString('en-US')
  return `trainable params: ${fmt(trainable)} || all params: ${fmt(all)} || trainable%: ${((100 * trainable) / all).toFixed(4)}`
}

export interface EstimateOptions {
  /** Sequences per micro-batch (gradient accumulation does not add memory). */
  batchSize: number
  /** Tokens per sequence. */
  seqLength: number
  lora: Pick<LoraSettingsConfig, 'r' | 'targetModules' | 'dropout'>
  /** Tokens whose logits are alive at once; the whole micro-batch unless the loss is chunked. */
  logitsChunkTokens?: number
  /** The engine keeps a transposed copy of every frozen matrix for fast backward products. */
  transposedWeights?: boolean
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`

/**
 * Memory of one training step, in float32 (tfjs has no float16 and no gradient checkpointing):
 * frozen weights (and their transposed copies), LoRA weights with gradients and AdamW's two
 * moments, activations kept for the backward pass, attention scores b·h·t² per layer, and the
 * logits of one chunk with their softmax and gradient.
 */
export function estimateTrainingMemory(shape: Gpt2Config, opts: EstimateOptions): MemoryEstimate {
  const { batchSize: b, seqLength: t } = opts
  const d = shape.nEmbd
  const inner = shape.nInner
  const tokens = b * t
  const modules = loraModules(shape, opts.lora.targetModules)
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
  const activations = (shape.nLayer * perLayerActs + loraActs + 2 * tokens * d) * F32
  add(
    'activations',
    activations,
    `${shape.nLayer} layers × ${tokens} tokens × ~${Math.round(perLayerActs / tokens)} floats, plus LoRA inputs`
  )
  const scores = shape.nLayer * 2 * b * shape.nHead * t * t * F32
  add(
    'attention scores',
    scores,
    `scores and softmax b·h·t² = ${b}·${shape.nHead}·${t}² per layer, ${shape.nLayer} layers`
  )
  const chunk = Math.min(opts.logitsChunkTokens ?? tokens, tokens)
  add(
    'logits',
    3 * chunk * shape.vocabSize * F32,
    `${chunk} tokens × ${shape.vocabSize} vocab: logits, softmax, gradient`
  )

  const totalBytes = components.reduce((s, c) => s + c.bytes, 0)
  return {
    totalBytes,
    components: components.map((c) => ({ ...c, detail: `${c.detail} — ${mib(c.bytes)}` }))
  }
}

/** The estimate a run records before it starts: PEFT's trainable line and the memory components. */
export function estimateRun(shape: Gpt2Config, opts: EstimateOptions): RunEstimate {
  const modules = loraModules(shape, opts.lora.targetModules)
  const trainable = loraParamCount(modules, opts.lora.r)
  const all = countGpt2Parameters(shape) + trainable
  return {
    trainableLine: trainableParamsLine(trainable, all),
    trainableParams: trainable,
    allParams: all,
    memory: estimateTrainingMemory(shape, opts)
  }
}
