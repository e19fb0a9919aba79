// Whether an adapter fits a base model (GPT-2 or a Llama family), checked from files alone (config.json and the adapter's
// safetensors header, no weights loaded) when the person chooses them, so a mismatch is said in words
// at once instead of as a shape error from the engine after Send.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { DecoderConfig } from '../../engine/formats/decoder-folder'
import { readDecoderConfig } from '../../engine/formats/model-folder-info'
import { readSafetensorsHeader } from '../../engine/formats/safetensors'
import { decoderDims } from '../../engine/model/decoder-model'
import { linearModules } from '../../engine/model/lora'

const WEIGHTS = 'adapter_model.safetensors'
/** PEFT's key of a LoRA matrix: the engine's module name (GPT-2's without `transformer.`) and A or B. */
const KEY = /^base_model\.model\.(?:transformer\.)?(.+)\.lora_([AB])\.weight$/
const LAYER = /^(?:h|model\.layers)\.(\d+)\./
/** Modules whose input is the hidden state, so their A's width is the model's hidden size. */
const HIDDEN_INPUT =
  /\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|self_attn\.[qkv]_proj|mlp\.gate_proj|mlp\.up_proj)$/

/** What the adapter's weights say about the model they were trained on. */
export interface AdapterShape {
  /** Hidden size (n_embd / hidden_size) read from a LoRA A matrix whose input is the hidden state; null when none is. */
  nEmbd: number | null
  /** Layers the adapter has weights for (highest index + 1). */
  layers: number
  /** By engine module name and `A`/`B`: `h.0.attn.c_attn.A`, `model.layers.0.self_attn.q_proj.B`. */
  shapes: Map<string, number[]>
}

export async function readAdapterShape(adapterDir: string): Promise<AdapterShape | null> {
  const file = join(adapterDir, WEIGHTS)
  if (!existsSync(file)) return null
  const { entries } = await readSafetensorsHeader(file)
  let nEmbd: number | null = null
  let layers = 0
  const shapes = new Map<string, number[]>()
  for (const [key, entry] of entries) {
    const m = KEY.exec(key)
    if (!m) continue
    const [, module, which] = m
    shapes.set(`${module}.${which}`, entry.shape)
    const layer = LAYER.exec(module)
    if (layer) layers = Math.max(layers, Number(layer[1]) + 1)
    if (which === 'A' && HIDDEN_INPUT.test(module) && entry.shape.length === 2) nEmbd ??= entry.shape[1]
  }
  return { nEmbd, layers, shapes }
}

/** The base model's config, GPT-2's or a Llama family's. */
export function readBaseConfig(modelPath: string): Promise<DecoderConfig> {
  return readDecoderConfig(modelPath)
}

/**
 * Null when the adapter's LoRA matrices fit the base model; otherwise why not, in words naming both
 * models' sizes (n_embd or hidden_size, layers) and what to choose instead.
 */
export function fitProblem(
  adapter: AdapterShape,
  base: DecoderConfig,
  baseName: string,
  adapterBase: string
): string | null {
  const wanted = adapterBase ? ` (the adapter says it was trained on "${adapterBase}")` : ''
  const width = base.modelType === 'gpt2' ? 'n_embd' : 'hidden_size'
  const hidden = base.modelType === 'gpt2' ? base.nEmbd : base.hiddenSize
  const baseLayers = decoderDims(base).numLayers
  const sizeOf = (embd: number | null, layers: number) =>
    `${width} ${embd ?? '?'} and ${layers} layer${layers === 1 ? '' : 's'}`
  const mismatch =
    (adapter.nEmbd !== null && adapter.nEmbd !== hidden) ||
    adapter.layers > baseLayers ||
    shapeMismatch(adapter, base)
  if (!mismatch) return null
  return (
    `This adapter does not fit base model "${baseName}": the adapter was trained on a model with ` +
    `${sizeOf(adapter.nEmbd, adapter.layers)}${wanted}, "${baseName}" has ${sizeOf(hidden, baseLayers)}. ` +
    'Choose the base model the adapter was trained on.'
  )
}

function shapeMismatch(adapter: AdapterShape, base: DecoderConfig): boolean {
  const modules = new Map(linearModules(base).map((m) => [m.name, m]))
  for (const [key, shape] of adapter.shapes) {
    const which = key.slice(-1)
    const mod = modules.get(key.slice(0, -2))
    if (!mod || shape.length !== 2) return true
    if (which === 'A' ? shape[1] !== mod.inFeatures : shape[0] !== mod.outFeatures) return true
  }
  return false
}
