// Export of a fine-tuned model as a plain Hugging Face folder in the base model's own layout, the LoRA
// product folded into the adapted weights (lora-merge.ts), so `transformers` loads it without PEFT:
// GPT-2 as GPT2LMHeadModel (`transformer.` keys, Conv1D), Llama/Qwen2/Qwen3 with transformers' key names
// (nn.Linear) and the base's own config.json. The weights go into one model.safetensors, never shards:
// transformers and our loader read a single file of any size, the export's file list stays fixed, and
// even Llama-3.2-1B in float32 (4.94 GB) is under save_pretrained's 5 GB shard size.
import { copyFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LoadedDecoderFolder } from '../formats/decoder-folder'
import { toHfConfigJson } from '../formats/hf-config'
import { readConfigJson } from '../formats/hf-model-folder'
import { writeSafetensors } from '../formats/safetensors'
import type { TensorToWrite } from '../formats/safetensors'
import { writeExportFolder, type ExportTargetOptions } from '../files/export-folder'
import { TOKENIZER_FILES } from '../tokenizer/tokenizer-files'
import { mergedWeights } from './lora-merge'
import type { PeftAdapter } from './peft-adapter'

/** The stored key of an engine weight key: GPT-2's under `transformer.` (but its head), others as loaded. */
function storedKey(base: LoadedDecoderFolder, key: string): string {
  return base.config.modelType === 'gpt2' && key !== 'lm_head.weight' ? `transformer.${key}` : key
}

/**
 * config.json of the merged folder: GPT-2's as the engine writes it; a Llama family's the base's own (rope
 * settings, token ids, architectures kept) saying float32, the dtype the weights are written in.
 */
async function mergedConfigJson(base: LoadedDecoderFolder): Promise<Record<string, unknown>> {
  if (base.config.modelType === 'gpt2') return toHfConfigJson(base.config)
  const { json } = await readConfigJson(base.dir)
  const config = { ...(json as Record<string, unknown>), torch_dtype: 'float32' }
  // transformers ≥ 4.56 writes `dtype` in place of torch_dtype.
  return 'dtype' in config ? { ...config, dtype: 'float32' } : config
}

/**
 * Writes config.json, model.safetensors (F32) and the base's tokenizer and generation files as an export
 * to `dir` (a user's path: see writeExportFolder for what may be there and what is replaced).
 */
export async function writeMergedModel(
  dir: string,
  base: LoadedDecoderFolder,
  adapter: PeftAdapter,
  target: ExportTargetOptions = { overwrite: false }
): Promise<void> {
  const layout = base.config.modelType === 'gpt2' ? 'conv1d' : 'linear'
  const tensors: Record<string, TensorToWrite> = {}
  for (const [key, w] of mergedWeights(base.weights, adapter, layout)) {
    tensors[storedKey(base, key)] = { dtype: 'F32', shape: w.shape, data: w.data }
  }
  const config = await mergedConfigJson(base)
  const present = new Set(await readdir(base.dir))
  await writeExportFolder(dir, 'merged', target, async (tmp) => {
    await writeFile(join(tmp, 'config.json'), JSON.stringify(config, null, 2))
    await writeSafetensors(join(tmp, 'model.safetensors'), tensors, { format: 'pt' })
    for (const f of TOKENIZER_FILES) if (present.has(f)) await copyFile(join(base.dir, f), join(tmp, f))
  })
}
