// Describes a model folder of any family LoRA Studio trains (GPT-2, Llama, Qwen2, Qwen3) from config.json
// and the safetensors headers only, for the model registry and the pickers: family, size, context, dtype,
// and why it would not load. A model_type outside these families is refused by name.
import { countGpt2Parameters } from './gpt2-weights'
import { HfConfigError, parseGpt2Config, type Gpt2Config } from './hf-config'
import {
  folderFacts,
  formatShape,
  inspectHfModelFolder,
  missingWeightsMessage,
  readConfigJson,
  readStoredShapes,
  type WeightsLayout
} from './hf-model-folder'
import { isLlamaFamilyJson, LLAMA_FAMILIES, parseLlamaConfig, type LlamaConfig } from './llama-config'
import { countLlamaParameters, llamaWeightShapes } from './llama-weights'
import type { SafetensorsDtype } from './safetensors'
import type { ModelFamily } from '../../shared/model-family'

export interface ModelShape {
  family: ModelFamily
  /** transformers' class: GPT2LMHeadModel, LlamaForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM. */
  architecture: string
  layers: number
  width: number
  heads: number
  /** Key/value heads (grouped-query attention); equal to heads for GPT-2. */
  kvHeads: number
  vocabSize: number
  contextLength: number
  parameterCount: number
}

export interface AnyModelFolderInfo extends ModelShape {
  dir: string
  bytesOnDisk: number
  layout: WeightsLayout
  weightsDtype: SafetensorsDtype | null
  hasTokenizer: boolean
  /** Why the weights would not load, or null. */
  problem: string | null
}

const ARCHITECTURE: Record<ModelFamily, string> = {
  gpt2: 'GPT2LMHeadModel',
  llama: 'LlamaForCausalLM',
  qwen2: 'Qwen2ForCausalLM',
  qwen3: 'Qwen3ForCausalLM'
}

function modelType(json: unknown): unknown {
  return typeof json === 'object' && json !== null ? (json as { model_type?: unknown }).model_type : undefined
}

function llamaShape(config: LlamaConfig): ModelShape {
  return {
    family: config.modelType,
    architecture: ARCHITECTURE[config.modelType],
    layers: config.numHiddenLayers,
    width: config.hiddenSize,
    heads: config.numAttentionHeads,
    kvHeads: config.numKeyValueHeads,
    vocabSize: config.vocabSize,
    contextLength: config.maxPositionEmbeddings,
    parameterCount: countLlamaParameters(config)
  }
}

/**
 * The shape a config.json object describes (`file` names it in errors). GPT-2 when model_type is "gpt2"
 * or absent; an unknown model_type is an HfConfigError naming it and the families that are supported.
 */
export function modelShapeOf(json: unknown, file: string): ModelShape {
  if (isLlamaFamilyJson(json)) return llamaShape(parseLlamaConfig(json, file))
  const type = modelType(json)
  if (type !== undefined && type !== 'gpt2') {
    throw new HfConfigError(
      file,
      'model_type',
      `is ${JSON.stringify(type)}, which LoRA Studio does not train; it trains "gpt2", ${LLAMA_FAMILIES.map((f) => `"${f}"`).join(', ')} ` +
        '(GPT-2, SmolLM2, Llama 3.x, Qwen2/2.5, Qwen3)'
    )
  }
  return gpt2Shape(parseGpt2Config(json, file))
}

function gpt2Shape(config: Gpt2Config): ModelShape {
  return {
    family: 'gpt2',
    architecture: ARCHITECTURE.gpt2,
    layers: config.nLayer,
    width: config.nEmbd,
    heads: config.nHead,
    kvHeads: config.nHead,
    vocabSize: config.vocabSize,
    contextLength: config.nPositions,
    parameterCount: countGpt2Parameters(config)
  }
}

/** The first expected weight that is missing from `stored` or has another shape, or null. */
function shapeProblem(
  expected: ReadonlyMap<string, number[]>,
  stored: ReadonlyMap<string, number[]>
): string | null {
  for (const [key, shape] of expected) {
    const actual = stored.get(key)
    if (actual === undefined) return `weight "${key}" is missing; the weights do not match config.json`
    if (actual.length !== shape.length || actual.some((d, i) => d !== shape[i])) {
      return `weight "${key}" has shape ${formatShape(actual)} but config.json implies ${formatShape(shape)}; the weights and config.json belong to different models`
    }
  }
  return null
}

async function inspectLlamaFolder(dir: string, config: LlamaConfig): Promise<AnyModelFolderInfo> {
  const { files, facts } = await folderFacts(dir)
  const info: AnyModelFolderInfo = { ...llamaShape(config), ...facts }
  if (!files) return { ...info, problem: missingWeightsMessage(facts.layout) }
  const expected = llamaWeightShapes(config)
  const keep = (key: string): boolean => expected.has(key)
  const headers = await readStoredShapes(files, keep, (key) => key, 'model.embed_tokens.weight')
  if ('problem' in headers) return { ...info, problem: headers.problem }
  return { ...info, weightsDtype: headers.dtype, problem: shapeProblem(expected, headers.stored) }
}

/** A folder's config.json as the engine's config of its family; an unsupported model_type is refused by name. */
export async function readDecoderConfig(dir: string): Promise<Gpt2Config | LlamaConfig> {
  const { json, file } = await readConfigJson(dir)
  if (isLlamaFamilyJson(json)) return parseLlamaConfig(json, file)
  modelShapeOf(json, file)
  return parseGpt2Config(json, file)
}

/** Family, size and loadability of a model folder from its headers only. Throws on a bad or unsupported config. */
export async function inspectModelFolder(dir: string): Promise<AnyModelFolderInfo> {
  const { json, file } = await readConfigJson(dir)
  if (isLlamaFamilyJson(json)) return inspectLlamaFolder(dir, parseLlamaConfig(json, file))
  modelShapeOf(json, file)
  const gpt2 = await inspectHfModelFolder(dir)
  return {
    ...gpt2Shape(gpt2.config),
    dir,
    bytesOnDisk: gpt2.bytesOnDisk,
    layout: gpt2.layout,
    weightsDtype: gpt2.weightsDtype,
    hasTokenizer: gpt2.hasTokenizer,
    problem: gpt2.problem
  }
}
