// Export of a fine-tuned model as a plain Hugging Face GPT-2 folder: the LoRA product folded into the
// Conv1D weights (W + scaling·(B·A)ᵀ, W being [in, out]), so `transformers` loads it without PEFT.
import { copyFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { toHfConfigJson } from '../formats/hf-config'
import type { LoadedCheckpoint, LoadedWeight } from '../formats/hf-model-folder'
import type { LoraWeightArrays } from '../model/lora'
import { writeSafetensors } from '../formats/safetensors'
import type { TensorToWrite } from '../formats/safetensors'
import { writeExportFolder, type ExportTargetOptions } from '../files/export-folder'
import { loraScaling } from './peft-adapter'
import type { PeftAdapter } from './peft-adapter'
import { TOKENIZER_FILES } from '../tokenizer/tokenizer-files'

/** W `[in, out]` plus scaling · Aᵀ·Bᵀ, with A `[r, in]` and B `[out, r]`; returns a new array. */
export function mergeLoraIntoConv1d(
  w: LoadedWeight,
  pair: LoraWeightArrays,
  r: number,
  scaling: number
): Float32Array {
  const [nIn, nOut] = w.shape
  const { a, b } = pair
  if (a.length !== r * nIn || b.length !== nOut * r) {
    throw new Error(
      `LoRA weights (${a.length} / ${b.length} values, r = ${r}) do not fit a Conv1D weight [${w.shape}]`
    )
  }
  const out = Float32Array.from(w.data)
  const bt = new Float32Array(r * nOut)
  for (let o = 0; o < nOut; o++) for (let k = 0; k < r; k++) bt[k * nOut + o] = b[o * r + k] * scaling
  for (let i = 0; i < nIn; i++) {
    const row = i * nOut
    for (let k = 0; k < r; k++) {
      const aki = a[k * nIn + i]
      if (aki === 0) continue
      const bRow = k * nOut
      for (let o = 0; o < nOut; o++) out[row + o] += aki * bt[bRow + o]
    }
  }
  return out
}

/** The base weights with every adapted module merged (other tensors shared, not copied). */
export function mergedWeights(base: LoadedCheckpoint, adapter: PeftAdapter): Map<string, LoadedWeight> {
  const scaling = loraScaling(adapter.settings)
  const out = new Map(base.weights)
  for (const [name, pair] of adapter.modules) {
    const key = `${name}.weight`
    const w = base.weights.get(key)
    if (!w) throw new Error(`the base model has no weight ${key} for the adapter's module ${name}`)
    out.set(key, { shape: w.shape, data: mergeLoraIntoConv1d(w, pair, adapter.settings.r, scaling) })
  }
  return out
}

/**
 * Writes config.json, model.safetensors (GPT2LMHeadModel keys) and the base's tokenizer files as an
 * export to `dir` (a user's path: see writeExportFolder for what may be there and what is replaced).
 */
export async function writeMergedModel(
  dir: string,
  base: LoadedCheckpoint,
  adapter: PeftAdapter,
  target: ExportTargetOptions = { overwrite: false }
): Promise<void> {
  const weights = mergedWeights(base, adapter)
  const tensors: Record<string, TensorToWrite> = {}
  for (const [key, w] of weights) {
    const name = key === 'lm_head.weight' ? key : `transformer.${key}`
    tensors[name] = { dtype: 'F32', shape: w.shape, data: w.data }
  }
  const present = new Set(await readdir(base.dir))
  await writeExportFolder(dir, 'merged', target, async (tmp) => {
    await writeFile(join(tmp, 'config.json'), JSON.stringify(toHfConfigJson(base.config), null, 2))
    await writeSafetensors(join(tmp, 'model.safetensors'), tensors, { format: 'pt' })
    for (const f of TOKENIZER_FILES) if (present.has(f)) await copyFile(join(base.dir, f), join(tmp, f))
  })
}
