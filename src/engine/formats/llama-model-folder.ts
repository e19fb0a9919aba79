// Loads a Hugging Face Llama/Qwen2/Qwen3 folder (config.json + model.safetensors, or shards with
// model.safetensors.index.json; F16/BF16 converted to float32) into arrays by transformers' key names.
import { llamaWeightShapes } from './llama-weights'
import { parseLlamaConfig } from './llama-config'
import type { LlamaConfig } from './llama-config'
import {
  formatShape,
  locateWeights,
  missingWeightsMessage,
  ModelFolderError,
  readConfigJson,
  readWeightFiles
} from './hf-model-folder'
import type { LoadedWeight } from './hf-model-folder'

export interface LoadedLlamaCheckpoint {
  dir: string
  config: LlamaConfig
  /** Keys as transformers names them: `model.embed_tokens.weight`, …, `lm_head.weight` only when untied. */
  weights: Map<string, LoadedWeight>
}

export async function readLlamaConfig(dir: string): Promise<LlamaConfig> {
  const { json, file } = await readConfigJson(dir)
  return parseLlamaConfig(json, file)
}

/** The first missing or misshapen weight, or null. */
function shapeProblem(config: LlamaConfig, stored: ReadonlyMap<string, number[]>): string | null {
  for (const [key, expected] of llamaWeightShapes(config)) {
    const actual = stored.get(key)
    if (actual === undefined) {
      return key === 'lm_head.weight'
        ? 'weight "lm_head.weight" is missing but config.json has tie_word_embeddings false; set it to true if the head is tied to model.embed_tokens'
        : `weight "${key}" is missing; the weights do not match config.json (${config.modelType}, ${config.numHiddenLayers} layers)`
    }
    if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
      return `weight "${key}" has shape ${formatShape(actual)} but config.json implies ${formatShape(expected)}; the weights and config.json belong to different models`
    }
  }
  return null
}

export async function loadLlamaModelFolder(dir: string): Promise<LoadedLlamaCheckpoint> {
  const config = await readLlamaConfig(dir)
  const { layout, files } = await locateWeights(dir)
  if (!files) throw new ModelFolderError(dir, missingWeightsMessage(layout))
  const expected = llamaWeightShapes(config)
  // Only the expected keys: a tied checkpoint's stray lm_head.weight or old rotary buffers are skipped.
  const weights = await readWeightFiles(
    dir,
    layout,
    files,
    (key) => expected.has(key),
    (key) => key
  )
  const problem = shapeProblem(config, new Map([...weights].map(([k, w]) => [k, w.shape])))
  if (problem) throw new ModelFolderError(dir, problem)
  return { dir, config, weights }
}
