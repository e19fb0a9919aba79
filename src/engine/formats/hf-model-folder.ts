// Loads a Hugging Face GPT-2 folder (config.json + model.safetensors, or sharded safetensors) into
// float32 arrays keyed without `transformer.`, and describes a folder without loading its weights.
import { existsSync } from 'node:fs'
import { readFile, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { countGpt2Parameters, gpt2WeightShapes, isIgnoredGpt2Key, normaliseGpt2Key } from './gpt2-weights'
import { HfConfigError, parseGpt2Config } from './hf-config'
import type { Gpt2Config } from './hf-config'
import { readSafetensors, readSafetensorsHeader } from './safetensors'
import type { SafetensorsDtype, TensorData } from './safetensors'

export interface LoadedWeight {
  shape: number[]
  data: Float32Array
}

export interface LoadedCheckpoint {
  dir: string
  config: Gpt2Config
  /** Normalised keys: `wte.weight`, `h.0.attn.c_attn.weight`, …, `lm_head.weight` only when untied. */
  weights: Map<string, LoadedWeight>
}

export type WeightsLayout = 'safetensors' | 'safetensors-sharded' | 'pytorch-bin' | 'none'

export interface ModelFolderInfo {
  dir: string
  config: Gpt2Config
  parameterCount: number
  /** Sum of the sizes of every file in the folder (subfolders included). */
  bytesOnDisk: number
  layout: WeightsLayout
  /** dtype of the stored weights (of `wte`), when safetensors are present. */
  weightsDtype: SafetensorsDtype | null
  /** tokenizer.json, or vocab.json + merges.txt, is present. */
  hasTokenizer: boolean
  /** Why `loadHfModelFolder` would fail, or null if the weights look loadable. */
  problem: string | null
}

/** A model folder that cannot be loaded; says what is wrong and what to do. */
export class ModelFolderError extends Error {
  readonly dir: string
  constructor(dir: string, message: string) {
    super(`${dir}: ${message}`)
    this.name = 'ModelFolderError'
    this.dir = dir
  }
}

const CONVERT_HINT = [
  'LoRA Studio reads safetensors only (a .bin file is a Python pickle). Convert it once with Python:',
  '  from transformers import GPT2LMHeadModel',
  "  GPT2LMHeadModel.from_pretrained('DIR').save_pretrained('DIR', safe_serialization=True)",
  'or without transformers:',
  '  import torch; from safetensors.torch import save_file',
  "  sd = torch.load('DIR/pytorch_model.bin', map_location='cpu')",
  "  save_file({k: v.contiguous() for k, v in sd.items() if not k.endswith(('attn.bias', 'attn.masked_bias'))}, 'DIR/model.safetensors', metadata={'format': 'pt'})"
].join('\n')

/** config.json of a model folder as parsed JSON, with its path; a missing or malformed file is an error naming it. */
export async function readConfigJson(dir: string): Promise<{ json: unknown; file: string }> {
  const file = join(dir, 'config.json')
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw new ModelFolderError(
      dir,
      'no config.json; a model folder needs config.json and model.safetensors as Hugging Face saves them'
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new HfConfigError(file, '', `not valid JSON (${(err as Error).message})`)
  }
  return { json, file }
}

async function readConfig(dir: string): Promise<Gpt2Config> {
  const { json, file } = await readConfigJson(dir)
  return parseGpt2Config(json, file)
}

/** Which safetensors file holds each key (raw, as stored), or why there is none. */
export async function locateWeights(
  dir: string
): Promise<{ layout: WeightsLayout; files: Map<string, string[]> | null }> {
  const single = join(dir, 'model.safetensors')
  if (existsSync(single)) return { layout: 'safetensors', files: new Map([[single, []]]) }
  const indexFile = join(dir, 'model.safetensors.index.json')
  if (existsSync(indexFile)) {
    let weightMap: unknown
    try {
      weightMap = (JSON.parse(await readFile(indexFile, 'utf8')) as { weight_map?: unknown }).weight_map
    } catch (err) {
      throw new ModelFolderError(
        dir,
        `model.safetensors.index.json is not valid JSON (${(err as Error).message})`
      )
    }
    if (typeof weightMap !== 'object' || weightMap === null) {
      throw new ModelFolderError(dir, 'model.safetensors.index.json has no "weight_map" object')
    }
    const files = new Map<string, string[]>()
    for (const [key, shard] of Object.entries(weightMap as Record<string, unknown>)) {
      if (typeof shard !== 'string' || shard.includes('/') || shard.includes('\\')) {
        throw new ModelFolderError(
          dir,
          `model.safetensors.index.json maps "${key}" to ${JSON.stringify(shard)}, not a file name`
        )
      }
      const path = join(dir, shard)
      files.set(path, [...(files.get(path) ?? []), key])
    }
    return { layout: 'safetensors-sharded', files }
  }
  const layout = existsSync(join(dir, 'pytorch_model.bin')) ? 'pytorch-bin' : 'none'
  return { layout, files: null }
}

export function missingWeightsMessage(layout: WeightsLayout): string {
  return layout === 'pytorch-bin'
    ? `has only pytorch_model.bin.\n${CONVERT_HINT}`
    : 'has no model.safetensors (nor model.safetensors.index.json); copy the weights file into the folder'
}

export function formatShape(shape: number[]): string {
  return `[${shape.join(', ')}]`
}

function toFloat32(dir: string, key: string, dtype: SafetensorsDtype, data: TensorData): Float32Array {
  if (data instanceof Float32Array) return data
  if (data instanceof Float64Array) return Float32Array.from(data)
  throw new ModelFolderError(
    dir,
    `weight "${key}" is stored as ${dtype}; weights must be F32, F16, BF16 or F64`
  )
}

/** Checks stored shapes against the config; returns the first mismatch or missing key. */
function shapeProblem(config: Gpt2Config, stored: Map<string, number[]>): string | null {
  for (const [key, expected] of gpt2WeightShapes(config)) {
    const actual = stored.get(key)
    if (!actual) {
      return key === 'lm_head.weight'
        ? 'weight "lm_head.weight" is missing but config.json has tie_word_embeddings false; set it to true if the head is tied to wte'
        : `weight "${key}" is missing; the file does not match config.json (n_layer ${config.nLayer})`
    }
    if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
      return `weight "${key}" has shape ${formatShape(actual)} but config.json implies ${formatShape(expected)}; the weights and config.json belong to different models`
    }
  }
  return null
}

function wanted(config: Gpt2Config): (raw: string) => boolean {
  const expected = gpt2WeightShapes(config)
  return (raw) => !isIgnoredGpt2Key(raw) && expected.has(normaliseGpt2Key(raw))
}

/**
 * The tensors `keep` selects (by stored key) from a folder's safetensors files, as float32 under
 * `keyOf(stored key)`; in a sharded folder each file is read only for the keys its index gives it.
 */
export async function readWeightFiles(
  dir: string,
  layout: WeightsLayout,
  files: ReadonlyMap<string, string[]>,
  keep: (raw: string) => boolean,
  keyOf: (raw: string) => string
): Promise<Map<string, LoadedWeight>> {
  const weights = new Map<string, LoadedWeight>()
  for (const [file, keys] of files) {
    const inShard = new Set(keys)
    const only = layout === 'safetensors' ? keep : (raw: string) => inShard.has(raw) && keep(raw)
    const { tensors } = await readSafetensors(file, { only })
    for (const [raw, tensor] of tensors) {
      const key = keyOf(raw)
      if (weights.has(key)) {
        throw new ModelFolderError(
          dir,
          `weight "${key}" is stored twice (as "${raw}" and under another name)`
        )
      }
      weights.set(key, { shape: tensor.shape, data: toFloat32(dir, raw, tensor.dtype, tensor.data) })
    }
  }
  return weights
}

export async function loadHfModelFolder(dir: string): Promise<LoadedCheckpoint> {
  const config = await readConfig(dir)
  const { layout, files } = await locateWeights(dir)
  if (!files) throw new ModelFolderError(dir, missingWeightsMessage(layout))
  const weights = await readWeightFiles(dir, layout, files, wanted(config), normaliseGpt2Key)
  const problem = shapeProblem(config, new Map([...weights].map(([k, w]) => [k, w.shape])))
  if (problem) throw new ModelFolderError(dir, problem)
  return { dir, config, weights }
}

/** Sum of the sizes of every file under `dir`. */
async function folderBytes(dir: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) total += await folderBytes(path)
    else if (entry.isFile()) total += (await stat(path)).size
  }
  return total
}

export function hasTokenizerFiles(dir: string): boolean {
  return (
    existsSync(join(dir, 'tokenizer.json')) ||
    (existsSync(join(dir, 'vocab.json')) && existsSync(join(dir, 'merges.txt')))
  )
}

/** What any model folder's listing says before its headers are read: size, weights layout, tokenizer. */
export async function folderFacts(dir: string): Promise<{
  files: Map<string, string[]> | null
  facts: Omit<ModelFolderInfo, 'config' | 'parameterCount'>
}> {
  const { layout, files } = await locateWeights(dir)
  const bytesOnDisk = await folderBytes(dir)
  const hasTokenizer = hasTokenizerFiles(dir)
  return { files, facts: { dir, bytesOnDisk, layout, weightsDtype: null, hasTokenizer, problem: null } }
}

/** Config, size and loadability of a folder from its headers only (for listing models). Throws on a bad config. */
export async function inspectHfModelFolder(dir: string): Promise<ModelFolderInfo> {
  const config = await readConfig(dir)
  const { files, facts } = await folderFacts(dir)
  const info: ModelFolderInfo = { ...facts, config, parameterCount: countGpt2Parameters(config) }
  if (!files) return { ...info, problem: missingWeightsMessage(facts.layout) }
  const headers = await readStoredShapes(files, wanted(config), normaliseGpt2Key, 'wte.weight')
  if ('problem' in headers) return { ...info, problem: headers.problem }
  return { ...info, weightsDtype: headers.dtype, problem: shapeProblem(config, headers.stored) }
}

/**
 * The shapes of the tensors `keep` selects (under `keyOf` of their stored key) from the safetensors
 * headers, and the dtype of `dtypeKey`; an unreadable header is returned as the problem.
 */
export async function readStoredShapes(
  files: ReadonlyMap<string, string[]>,
  keep: (raw: string) => boolean,
  keyOf: (raw: string) => string,
  dtypeKey: string
): Promise<{ stored: Map<string, number[]>; dtype: SafetensorsDtype | null } | { problem: string }> {
  const stored = new Map<string, number[]>()
  let dtype: SafetensorsDtype | null = null
  try {
    for (const file of files.keys()) {
      for (const [raw, entry] of (await readSafetensorsHeader(file)).entries) {
        if (!keep(raw)) continue
        const key = keyOf(raw)
        stored.set(key, entry.shape)
        if (key === dtypeKey) dtype = entry.dtype
      }
    }
  } catch (err) {
    return { problem: (err as Error).message }
  }
  return { stored, dtype }
}
