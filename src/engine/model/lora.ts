// LoRA with PEFT's semantics for GPT-2 and the Llama-style families: which linear layers `target_modules`
// hits, A/B shapes and initialisation, scaling (rsLoRA too), and PEFT's "trainable params" line; A and B
// are tf.Variables.
import * as tf from '@tensorflow/tfjs-core'
import { throwIfGpuFailed } from '../webgpu-adapter'
import type { Gpt2Config } from '../formats/hf-config'
import type { DecoderConfig } from '../formats/decoder-folder'
import { countDecoderParameters } from '../formats/decoder-weights'
import type { LlamaConfig } from '../formats/llama-config'
import { LLAMA_LINEARS, llamaLinearShape } from '../formats/llama-weights'
import type { Rng } from '../generation/rng'
import type { LoraBranch } from './linear'

export interface LoraConfig {
  r: number
  alpha: number
  /** Dropout probability on the LoRA branch's input (training only). */
  dropout: number
  /** PEFT `target_modules`: exact module names or `.`-suffixes of them (`c_proj`, `attn.c_proj`, `h.0.attn.c_attn`). */
  targetModules: string[]
  useRslora: boolean
  bias: 'none'
}

export type { DecoderConfig }

/**
 * A linear layer LoRA can attach to: GPT-2's without the `transformer.` prefix (`h.0.attn.c_attn`), the
 * Llama-style families' by transformers' full path (`model.layers.0.self_attn.q_proj`).
 */
export interface LinearModule {
  name: string
  inFeatures: number
  outFeatures: number
}

export interface LoraWeightArrays {
  /** `[r, in]`, row-major. */
  a: Float32Array
  /** `[out, r]`, row-major. */
  b: Float32Array
}

/** Every Conv1D of a GPT-2, in PEFT's module order. */
export function gpt2LinearModules(config: Gpt2Config): LinearModule[] {
  const e = config.nEmbd
  const modules: LinearModule[] = []
  for (let i = 0; i < config.nLayer; i++) {
    modules.push(
      { name: `h.${i}.attn.c_attn`, inFeatures: e, outFeatures: 3 * e },
      { name: `h.${i}.attn.c_proj`, inFeatures: e, outFeatures: e },
      { name: `h.${i}.mlp.c_fc`, inFeatures: e, outFeatures: config.nInner },
      { name: `h.${i}.mlp.c_proj`, inFeatures: config.nInner, outFeatures: e }
    )
  }
  return modules
}

/** Every linear layer of a Llama/Qwen2/Qwen3 model, in PEFT's module order (`nn.Linear`, `[out, in]`). */
export function llamaLinearModules(config: LlamaConfig): LinearModule[] {
  const modules: LinearModule[] = []
  for (let i = 0; i < config.numHiddenLayers; i++) {
    for (const name of LLAMA_LINEARS) {
      const s = llamaLinearShape(config, name)
      modules.push({ name: `model.layers.${i}.${name}`, inFeatures: s.in, outFeatures: s.out })
    }
  }
  return modules
}

export function linearModules(config: DecoderConfig): LinearModule[] {
  return config.modelType === 'gpt2' ? gpt2LinearModules(config) : llamaLinearModules(config)
}

/** The module's name inside the transformers model (what PEFT matches `target_modules` against). */
function fullModuleName(config: DecoderConfig, moduleName: string): string {
  return config.modelType === 'gpt2' ? `transformer.${moduleName}` : moduleName
}

/** PEFT's list rule: the target equals the full module name or is a `.`-suffix of it. */
export function matchesTarget(config: DecoderConfig, moduleName: string, target: string): boolean {
  const full = fullModuleName(config, moduleName)
  return full === target || full.endsWith(`.${target}`)
}

const TARGET_HINTS: Record<DecoderConfig['modelType'], string> = {
  gpt2: 'use attn.c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj, c_proj (attention and MLP) or h.N.<module>',
  llama: 'use q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj or model.layers.N.<module>',
  qwen2: 'use q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj or model.layers.N.<module>',
  qwen3: 'use q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj or model.layers.N.<module>'
}

const FAMILY_NAMES: Record<DecoderConfig['modelType'], string> = {
  gpt2: 'GPT-2',
  llama: 'Llama',
  qwen2: 'Qwen2',
  qwen3: 'Qwen3'
}

export function loraScaling(lora: LoraConfig): number {
  return lora.useRslora ? lora.alpha / Math.sqrt(lora.r) : lora.alpha / lora.r
}

function checkLoraConfig(lora: LoraConfig): void {
  if (!Number.isInteger(lora.r) || lora.r < 1)
    throw new Error(`LoRA r must be a positive integer; got ${lora.r}`)
  if (!(lora.alpha > 0)) throw new Error(`LoRA alpha must be positive; got ${lora.alpha}`)
  if (!(lora.dropout >= 0 && lora.dropout < 1)) {
    throw new Error(`LoRA dropout must be in [0, 1); got ${lora.dropout}`)
  }
}

/** The layers `targetModules` selects; throws (as PEFT does) when a target matches nothing. */
export function loraTargetModules(config: DecoderConfig, lora: LoraConfig): LinearModule[] {
  checkLoraConfig(lora)
  const all = linearModules(config)
  if (lora.targetModules.length === 0) {
    const example = config.modelType === 'gpt2' ? 'attn.c_attn' : 'q_proj'
    throw new Error(`LoRA target modules are empty; name at least one, e.g. ${example}`)
  }
  const hits = (m: LinearModule, t: string) => matchesTarget(config, m.name, t)
  const unmatched = lora.targetModules.filter((t) => !all.some((m) => hits(m, t)))
  if (unmatched.length > 0) {
    throw new Error(
      `LoRA target modules ${unmatched.map((t) => `"${t}"`).join(', ')} not found in the ${FAMILY_NAMES[config.modelType]} model; ` +
        TARGET_HINTS[config.modelType]
    )
  }
  return all.filter((m) => lora.targetModules.some((t) => hits(m, t)))
}

function withThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** PEFT's `print_trainable_parameters()` line (`{:,d}` counts, `{:.4f}` percent), e.g. `trainable params: 884,736 || all params: 125,324,544 || trainable%: 0.7060`. */
export function trainableParamsLine(config: DecoderConfig, lora: LoraConfig): string {
  const trainable = loraTargetModules(config, lora).reduce(
    (n, m) => n + lora.r * (m.inFeatures + m.outFeatures),
    0
  )
  const all = countDecoderParameters(config) + trainable
  return `trainable params: ${withThousands(trainable)} || all params: ${withThousands(all)} || trainable%: ${((100 * trainable) / all).toFixed(4)}`
}

/** PEFT's init: A kaiming-uniform with a = √5 (bound 1/√in), B zeros. */
export function initialLoraWeights(module: LinearModule, r: number, rng: Rng): LoraWeightArrays {
  const bound = 1 / Math.sqrt(module.inFeatures)
  const a = new Float32Array(r * module.inFeatures)
  for (let i = 0; i < a.length; i++) a[i] = (2 * rng.nextFloat() - 1) * bound
  return { a, b: new Float32Array(module.outFeatures * r) }
}

export interface LoraModule extends LinearModule, LoraBranch {}

/** The LoRA layers of one model: trainable A/B variables by module name. */
export class LoraAdapter {
  readonly config: LoraConfig
  readonly modules: ReadonlyMap<string, LoraModule>

  private constructor(config: LoraConfig, modules: Map<string, LoraModule>) {
    this.config = config
    this.modules = modules
  }

  /** Fresh PEFT-style init (A from `rng`, B zero), or the given weights where `initial` has them. */
  static create(
    model: DecoderConfig,
    config: LoraConfig,
    rng: Rng,
    initial?: ReadonlyMap<string, LoraWeightArrays>
  ): LoraAdapter {
    const scaling = loraScaling(config)
    const modules = new Map<string, LoraModule>()
    for (const m of loraTargetModules(model, config)) {
      const values = initial?.get(m.name) ?? initialLoraWeights(m, config.r, rng)
      checkArrays(m, config.r, values)
      modules.set(m.name, {
        ...m,
        scaling,
        a: tf.tidy(() => tf.variable(tf.tensor2d(values.a, [config.r, m.inFeatures]), true)),
        b: tf.tidy(() => tf.variable(tf.tensor2d(values.b, [m.outFeatures, config.r]), true))
      })
    }
    return new LoraAdapter(config, modules)
  }

  /** Trainable variables in a fixed order: for each module, A then B. */
  variables(): tf.Variable[] {
    return [...this.modules.values()].flatMap((m) => [m.a, m.b])
  }

  /** Parameter names as `<module>.lora_A.weight` / `.lora_B.weight`, parallel to `variables()`. */
  parameterNames(): string[] {
    return [...this.modules.keys()].flatMap((n) => [`${n}.lora_A.weight`, `${n}.lora_B.weight`])
  }

  /** Reads every module's A and B back (all reads at once; copies, since cpu hands out its own arrays). */
  async readWeights(): Promise<Map<string, LoraWeightArrays>> {
    const read = async (v: tf.Variable) => Float32Array.from((await v.data()) as Float32Array)
    const entries = await Promise.all(
      [...this.modules].map(async ([name, m]) => {
        const [a, b] = await Promise.all([read(m.a), read(m.b)])
        return [name, { a, b }] as const
      })
    )
    throwIfGpuFailed('the LoRA weights')
    return new Map(entries)
  }

  setWeights(weights: ReadonlyMap<string, LoraWeightArrays>): void {
    for (const [name, values] of weights) {
      const m = this.modules.get(name)
      if (m === undefined) throw new Error(`LoRA weights for "${name}", which this adapter does not target`)
      checkArrays(m, this.config.r, values)
      tf.tidy(() => {
        m.a.assign(tf.tensor2d(values.a, m.a.shape as [number, number]))
        m.b.assign(tf.tensor2d(values.b, m.b.shape as [number, number]))
      })
    }
  }

  dispose(): void {
    tf.dispose(this.variables())
  }
}

function checkArrays(m: LinearModule, r: number, values: LoraWeightArrays): void {
  if (values.a.length !== r * m.inFeatures || values.b.length !== m.outFeatures * r) {
    throw new Error(
      `LoRA weights for "${m.name}" have ${values.a.length} / ${values.b.length} values; ` +
        `expected A [${r}, ${m.inFeatures}] and B [${m.outFeatures}, ${r}]`
    )
  }
}
