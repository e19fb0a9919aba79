// The PEFT adapter folder, both ways: what `PeftModel.from_pretrained` loads (adapter_config.json +
// adapter_model.safetensors, keys `base_model.model.transformer.h.N.<module>.lora_{A,B}.weight` for GPT-2,
// `base_model.model.model.layers.N.self_attn.q_proj.lora_{A,B}.weight` for Llama/Qwen), and reading such a
// folder back, made here or in Python, checked against the base model it is used with.
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { LoraSettingsConfig } from '../../shared/runs'
import { makeDirs } from '../files/make-dirs'
import { readSafetensors, writeSafetensors } from '../formats/safetensors'
import type { TensorToWrite } from '../formats/safetensors'
import { linearModules, loraScaling as modelLoraScaling, loraTargetModules } from '../model/lora'
import type { DecoderConfig, LoraWeightArrays } from '../model/lora'
import { toLoraConfig } from './lora-settings'

import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE } from './training-file-names'

export { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE }

/** LoRA settings and weights as they travel between the trainer and the files. */
export interface PeftAdapter {
  settings: LoraSettingsConfig
  /**
   * Keyed by the engine's module name (GPT-2's without `transformer.`, `h.0.attn.c_attn`; Llama's by its path,
   * `model.layers.0.self_attn.q_proj`): A `[r, in]`, B `[out, r]`, row-major.
   */
  modules: Map<string, LoraWeightArrays>
  /** What `base_model_name_or_path` says: the base model folder or Hub name. */
  baseModel: string
}

/** An adapter folder that cannot be used; names the file and says what to do. */
export class AdapterError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`)
    this.name = 'AdapterError'
  }
}

/** alpha/r, or alpha/sqrt(r) with rsLoRA, as PEFT scales B·A. */
export function loraScaling(settings: LoraSettingsConfig): number {
  return modelLoraScaling(toLoraConfig(settings))
}

const KEY_RE =
  /^base_model\.model\.(transformer\.h\.\d+\.[\w.]+|model\.layers\.\d+\.[\w.]+)\.lora_([AB])\.weight$/

/** Whether engine module names are GPT-2's (Conv1D layers, under `transformer.`) rather than a Llama family's. */
function isGpt2Module(name: string): boolean {
  return !name.startsWith('model.layers.')
}

/** The module's path inside the transformers model, as PEFT keys it after `base_model.model.`. */
function peftModulePath(name: string): string {
  return isGpt2Module(name) ? `transformer.${name}` : name
}

/**
 * adapter_config.json as PEFT's LoraConfig.save_pretrained writes it (keys sorted). `fanInFanOut`: the
 * wrapped layers store W as `[in, out]` (GPT-2's Conv1D), not nn.Linear's `[out, in]`.
 */
export function peftAdapterConfig(
  settings: LoraSettingsConfig,
  baseModel: string,
  fanInFanOut = true
): Record<string, unknown> {
  return {
    alpha_pattern: {},
    auto_mapping: null,
    base_model_name_or_path: baseModel,
    bias: 'none',
    fan_in_fan_out: fanInFanOut,
    inference_mode: true,
    init_lora_weights: true,
    layer_replication: null,
    layers_pattern: null,
    layers_to_transform: null,
    loftq_config: {},
    lora_alpha: settings.alpha,
    lora_dropout: settings.dropout,
    megatron_config: null,
    megatron_core: 'megatron.core',
    modules_to_save: null,
    peft_type: 'LORA',
    r: settings.r,
    rank_pattern: {},
    revision: null,
    target_modules: [...settings.targetModules],
    task_type: 'CAUSAL_LM',
    use_dora: false,
    use_rslora: settings.rsLora
  }
}

function shapesOf(name: string, pair: LoraWeightArrays, r: number): { a: number[]; b: number[] } {
  const nIn = pair.a.length / r
  const nOut = pair.b.length / r
  if (!Number.isInteger(nIn) || !Number.isInteger(nOut) || nIn === 0 || nOut === 0) {
    throw new Error(`${name}: LoRA weights of ${pair.a.length} / ${pair.b.length} values do not fit r = ${r}`)
  }
  return { a: [r, nIn], b: [nOut, r] }
}

/**
 * Writes `dir` whole or not at all: a sibling temporary folder, then one rename over the old one, which
 * is deleted. Only for folders LoRA Studio owns (a run's adapter, its checkpoints); a path the user
 * chose goes through writeExportFolder, which never deletes what it did not write.
 */
export async function writeFolderAtomically(
  dir: string,
  fill: (tmp: string) => Promise<void>
): Promise<void> {
  const parent = dirname(dir)
  await makeDirs(parent)
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`)
  const old = join(parent, `.${basename(dir)}.old-${process.pid}-${Date.now()}`)
  await rm(tmp, { recursive: true, force: true })
  await mkdir(tmp)
  try {
    await fill(tmp)
    if (existsSync(dir)) await rename(dir, old)
    await rename(tmp, dir)
  } catch (err) {
    await rm(tmp, { recursive: true, force: true })
    if (existsSync(old) && !existsSync(dir)) await rename(old, dir)
    throw err
  }
  await rm(old, { recursive: true, force: true })
}

/** Writes a PEFT adapter folder (atomically) that `PeftModel.from_pretrained(base, dir)` loads. */
export async function writePeftAdapter(dir: string, adapter: PeftAdapter): Promise<void> {
  const tensors: Record<string, TensorToWrite> = {}
  for (const [name, pair] of adapter.modules) {
    const shapes = shapesOf(name, pair, adapter.settings.r)
    const prefix = `base_model.model.${peftModulePath(name)}`
    tensors[`${prefix}.lora_A.weight`] = { dtype: 'F32', shape: shapes.a, data: pair.a }
    tensors[`${prefix}.lora_B.weight`] = { dtype: 'F32', shape: shapes.b, data: pair.b }
  }
  const conv1d = [...adapter.modules.keys()].every(isGpt2Module)
  await writeFolderAtomically(dir, async (tmp) => {
    await writeFile(
      join(tmp, ADAPTER_CONFIG_FILE),
      JSON.stringify(peftAdapterConfig(adapter.settings, adapter.baseModel, conv1d), null, 2)
    )
    await writeSafetensors(join(tmp, ADAPTER_WEIGHTS_FILE), tensors, { format: 'pt' })
  })
}

function field<T>(
  file: string,
  raw: Record<string, unknown>,
  key: string,
  check: (v: unknown) => v is T,
  want: string
): T {
  const v = raw[key]
  if (!check(v)) throw new AdapterError(file, `field "${key}" is ${JSON.stringify(v)}; expected ${want}`)
  return v
}
const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const isTargets = (v: unknown): v is string[] | string =>
  typeof v === 'string' || (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string'))

/** Reads adapter_config.json into LoRA settings; refuses what this engine cannot apply. */
async function readAdapterSettings(
  dir: string
): Promise<{ settings: LoraSettingsConfig; baseModel: string; fanInFanOut: boolean | null }> {
  const file = join(dir, ADAPTER_CONFIG_FILE)
  if (!existsSync(file)) {
    throw new AdapterError(dir, `no ${ADAPTER_CONFIG_FILE}; pick the folder PEFT's save_pretrained wrote`)
  }
  let raw: Record<string, unknown>
  try {
    raw = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
  } catch (err) {
    throw new AdapterError(file, `not valid JSON (${(err as Error).message})`)
  }
  if (raw.peft_type !== 'LORA') {
    throw new AdapterError(
      file,
      `peft_type is ${JSON.stringify(raw.peft_type)}; only LoRA adapters ("LORA") can be used`
    )
  }
  if (raw.use_dora === true) throw new AdapterError(file, 'use_dora is true; DoRA adapters are not supported')
  if (raw.bias !== undefined && raw.bias !== 'none') {
    throw new AdapterError(file, `bias is ${JSON.stringify(raw.bias)}; only "none" is supported`)
  }
  for (const key of ['rank_pattern', 'alpha_pattern'] as const) {
    const v = raw[key]
    if (v && typeof v === 'object' && Object.keys(v).length > 0) {
      throw new AdapterError(file, `${key} is set; per-module ranks or alphas are not supported`)
    }
  }
  const targets = field(file, raw, 'target_modules', isTargets, 'a list of module names')
  const settings: LoraSettingsConfig = {
    r: field(file, raw, 'r', isPositiveInt, 'a positive integer'),
    alpha: field(file, raw, 'lora_alpha', isNumber, 'a number'),
    dropout: raw.lora_dropout === undefined ? 0 : field(file, raw, 'lora_dropout', isNumber, 'a number'),
    targetModules: typeof targets === 'string' ? [targets] : targets,
    rsLora: raw.use_rslora === true
  }
  const baseModel = typeof raw.base_model_name_or_path === 'string' ? raw.base_model_name_or_path : ''
  const fanInFanOut = typeof raw.fan_in_fan_out === 'boolean' ? raw.fan_in_fan_out : null
  return { settings, baseModel, fanInFanOut }
}

/** GPT-2's Conv1D layers need fan_in_fan_out true, the Llama families' nn.Linear layers false. */
function checkFanInFanOut(file: string, fanInFanOut: boolean | null, base: DecoderConfig): void {
  const gpt2 = base.modelType === 'gpt2'
  if (fanInFanOut === null || fanInFanOut === gpt2) return
  throw new AdapterError(
    file,
    gpt2
      ? 'fan_in_fan_out is false, but GPT-2 Conv1D layers need true; re-save the adapter for GPT-2'
      : `fan_in_fan_out is true, but ${base.modelType}'s nn.Linear layers need false; this adapter was made for GPT-2`
  )
}

/**
 * Loads an adapter folder and checks it against the base model's config: every key PEFT's naming,
 * every wrapped module present in the model with A `[r, in]` and B `[out, r]` fitting its weight.
 */
export async function readPeftAdapter(dir: string, base: DecoderConfig): Promise<PeftAdapter> {
  const { settings, baseModel, fanInFanOut } = await readAdapterSettings(dir)
  checkFanInFanOut(join(dir, ADAPTER_CONFIG_FILE), fanInFanOut, base)
  const file = join(dir, ADAPTER_WEIGHTS_FILE)
  if (!existsSync(file)) {
    const bin = existsSync(join(dir, 'adapter_model.bin'))
    throw new AdapterError(
      dir,
      bin
        ? 'only adapter_model.bin (a Python pickle) is here; re-save with save_pretrained(dir, safe_serialization=True)'
        : `no ${ADAPTER_WEIGHTS_FILE}`
    )
  }
  const { tensors } = await readSafetensors(file)
  const shapes = new Map(linearModules(base).map((m) => [m.name, m]))
  const layers = base.modelType === 'gpt2' ? base.nLayer : base.numHiddenLayers
  const parts = new Map<string, Partial<LoraWeightArrays>>()
  for (const [key, t] of tensors) {
    const m = KEY_RE.exec(key)
    if (!m) throw new AdapterError(file, `tensor "${key}" is not named as PEFT names LoRA weights`)
    const name = m[1].startsWith('transformer.') ? m[1].slice('transformer.'.length) : m[1]
    const which = m[2]
    const mod = shapes.get(name)
    if (!mod)
      throw new AdapterError(file, `"${key}": the base model (${layers} layers) has no module ${name}`)
    if (!(t.data instanceof Float32Array))
      throw new AdapterError(file, `"${key}": dtype ${t.dtype} is not a float type`)
    const want = which === 'A' ? [settings.r, mod.inFeatures] : [mod.outFeatures, settings.r]
    if (t.shape.length !== 2 || t.shape[0] !== want[0] || t.shape[1] !== want[1]) {
      throw new AdapterError(
        file,
        `"${key}" has shape [${t.shape}] but r = ${settings.r} and the base model's ${name} need [${want}]; ` +
          'was this adapter trained on a different base model?'
      )
    }
    const entry = parts.get(name) ?? {}
    entry[which === 'A' ? 'a' : 'b'] = t.data
    parts.set(name, entry)
  }
  let expected: string[]
  try {
    expected = loraTargetModules(base, toLoraConfig(settings)).map((m) => m.name)
  } catch (err) {
    throw new AdapterError(join(dir, ADAPTER_CONFIG_FILE), (err as Error).message)
  }
  const modules = new Map<string, LoraWeightArrays>()
  for (const name of expected) {
    const p = parts.get(name)
    if (!p?.a || !p.b) {
      throw new AdapterError(
        file,
        `target_modules cover ${name} but its lora_${p?.a ? 'B' : 'A'} weight is missing`
      )
    }
    modules.set(name, { a: p.a, b: p.b })
  }
  for (const name of parts.keys()) {
    if (!modules.has(name))
      throw new AdapterError(file, `${name} has LoRA weights but target_modules do not cover it`)
  }
  return { settings, modules, baseModel }
}
