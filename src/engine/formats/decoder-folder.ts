// Any decoder model folder the engine runs, by its config.json's model_type: GPT-2 ("gpt2" or none) or a
// Llama family ("llama", "qwen2", "qwen3"), loaded into float32 arrays with its parsed config.
import type { Gpt2Config } from './hf-config'
import { loadHfModelFolder, readConfigJson } from './hf-model-folder'
import type { LoadedWeight } from './hf-model-folder'
import { isLlamaFamilyJson } from './llama-config'
import type { LlamaConfig } from './llama-config'
import { loadLlamaModelFolder } from './llama-model-folder'

/** The config of any decoder the engine runs: GPT-2 or a Llama-style family. */
export type DecoderConfig = Gpt2Config | LlamaConfig

export interface LoadedDecoderFolder {
  dir: string
  config: DecoderConfig
  weights: Map<string, LoadedWeight>
}

export async function loadDecoderFolder(dir: string): Promise<LoadedDecoderFolder> {
  const { json } = await readConfigJson(dir)
  return isLlamaFamilyJson(json) ? loadLlamaModelFolder(dir) : loadHfModelFolder(dir)
}
