// Whether an adapter fits a base model, checked from files alone (config.json and the adapter's
// safetensors header, no weights loaded) when the person chooses them, so a mismatch is said in words
// at once instead of as a shape error from the engine after Send.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseGpt2Config, type Gpt2Config } from '../../engine/formats/hf-config'
import { readSafetensorsHeader } from '../../engine/formats/safetensors'
import { gpt2LinearModules } from '../../engine/model/lora'

const WEIGHTS = 'adapter_model.safetensors'
const KEY = /\.h\.(\d+)\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.lora_([AB])\.weight$/

/** What the adapter's weights say about the model they were trained on. */
export interface AdapterShape {
  /** Hidden size (n_embd) read from a LoRA A matrix whose input is the hidden state; null when none is. */
  nEmbd: number | null
  /** Layers the adapter has weights for (highest index + 1). */
  layers: number
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
    const [, layer, module, which] = m
    shapes.set(`h.${layer}.${module}.${which}`, entry.shape)
    layers = Math.max(layers, Number(layer) + 1)
    if (which === 'A' && module !== 'mlp.c_proj' && entry.shape.length === 2) nEmbd ??= entry.shape[1]
  }
  return { nEmbd, layers, shapes }
}

export async function readBaseConfig(modelPath: string): Promise<Gpt2Config> {
  const file = join(modelPath, 'config.json')
  return parseGpt2Config(JSON.parse(await readFile(file, 'utf8')) as unknown, file)
}

/**
 * Null when the adapter's LoRA matrices fit the base model; otherwise why not, in words naming both
 * models' sizes (n_embd, layers) and what to choose instead.
 */
export function fitProblem(
  adapter: AdapterShape,
  base: Gpt2Config,
  baseName: string,
  adapterBase: string
): string | null {
  const wanted = adapterBase ? ` (the adapter says it was trained on "${adapterBase}")` : ''
  const sizeOf = (embd: number | null, layers: number) =>
    `n_embd ${embd ?? '?'} and ${layers} layer${layers === 1 ? '' : 's'}`
  const mismatch =
    (adapter.nEmbd !== null && adapter.nEmbd !== base.nEmbd) ||
    adapter.layers > base.nLayer ||
    shapeMismatch(adapter, base)
  if (!mismatch) return null
  return (
    `This adapter does not fit base model "${baseName}": the adapter was trained on a model with ` +
    `${sizeOf(adapter.nEmbd, adapter.layers)}${wanted}, "${baseName}" has ${sizeOf(base.nEmbd, base.nLayer)}. ` +
    'Choose the base model the adapter was trained on.'
  )
}

function shapeMismatch(adapter: AdapterShape, base: Gpt2Config): boolean {
  const modules = new Map(gpt2LinearModules(base).map((m) => [m.name, m]))
  for (const [key, shape] of adapter.shapes) {
    const which = key.slice(-1)
    const mod = modules.get(key.slice(0, -2))
    if (!mod || shape.length !== 2) return true
    if (which === 'A' ? shape[1] !== mod.inFeatures : shape[0] !== mod.outFeatures) return true
  }
  return false
}
