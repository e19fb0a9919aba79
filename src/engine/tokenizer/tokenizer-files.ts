// Reads a GPT-2 tokenizer from a model folder: `tokenizer.json` (tokenizers' format) when present,
// otherwise `vocab.json` + `merges.txt` as the original GPT-2 release and `transformers` write them.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * The files beside the weights that make a folder tokenize and generate as its source did; copied
 * whenever a model folder is exported, imported or downloaded.
 */
export const TOKENIZER_FILES: readonly string[] = [
  'tokenizer.json',
  'vocab.json',
  'merges.txt',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'generation_config.json'
]

export interface TokenizerSpec {
  vocab: Map<string, number>
  /** Merge pairs as `"left right"`, in rank order. */
  merges: string[]
  /** Tokens that are never split (e.g. `<|endoftext|>`), with their ids. */
  specialTokens: Map<string, number>
  eosToken: string
  addPrefixSpace: boolean
}

/** A tokenizer file that cannot be used; names the file and says what to do. */
export class TokenizerFileError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`)
    this.name = 'TokenizerFileError'
  }
}

const ENDOFTEXT = '<|endoftext|>'

async function readJson(file: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw new TokenizerFileError(file, 'cannot be read')
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new TokenizerFileError(file, `is not valid JSON (${(err as Error).message})`)
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `"<|endoftext|>"` or `{ "content": "<|endoftext|>", ... }` as tokenizer configs store special tokens. */
function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (isRecord(value) && typeof value.content === 'string') return value.content
  return undefined
}

function toVocab(file: string, raw: unknown): Map<string, number> {
  if (!isRecord(raw)) throw new TokenizerFileError(file, 'the vocabulary is not an object of token -> id')
  const vocab = new Map<string, number>()
  for (const [token, id] of Object.entries(raw)) {
    if (!Number.isInteger(id) || (id as number) < 0) {
      throw new TokenizerFileError(
        file,
        `vocabulary entry ${JSON.stringify(token)} has id ${JSON.stringify(id)}`
      )
    }
    vocab.set(token, id as number)
  }
  return vocab
}

function toMerges(file: string, raw: unknown): string[] {
  if (!Array.isArray(raw)) throw new TokenizerFileError(file, 'model.merges is not a list')
  return raw.map((m, i) => {
    if (typeof m === 'string' && m.split(' ').length === 2) return m
    if (Array.isArray(m) && m.length === 2 && m.every((p) => typeof p === 'string')) return `${m[0]} ${m[1]}`
    throw new TokenizerFileError(
      file,
      `merge ${i} is ${JSON.stringify(m)}, expected "left right" or ["left", "right"]`
    )
  })
}

function hasByteLevel(preTokenizer: unknown): { found: boolean; addPrefixSpace: boolean } {
  if (!isRecord(preTokenizer)) return { found: false, addPrefixSpace: false }
  if (preTokenizer.type === 'ByteLevel')
    return { found: true, addPrefixSpace: preTokenizer.add_prefix_space === true }
  if (preTokenizer.type === 'Sequence' && Array.isArray(preTokenizer.pretokenizers)) {
    for (const inner of preTokenizer.pretokenizers) {
      const r = hasByteLevel(inner)
      if (r.found) return r
    }
  }
  return { found: false, addPrefixSpace: false }
}

async function eosFromConfigs(dir: string): Promise<string | undefined> {
  for (const name of ['tokenizer_config.json', 'special_tokens_map.json']) {
    const file = join(dir, name)
    if (!existsSync(file)) continue
    const json = await readJson(file)
    const eos = isRecord(json) ? tokenContent(json.eos_token) : undefined
    if (eos) return eos
  }
  return undefined
}

async function fromTokenizerJson(dir: string): Promise<Omit<TokenizerSpec, 'eosToken'>> {
  const file = join(dir, 'tokenizer.json')
  const json = await readJson(file)
  if (!isRecord(json) || !isRecord(json.model)) throw new TokenizerFileError(file, 'has no "model" object')
  if (json.model.type !== 'BPE') {
    throw new TokenizerFileError(
      file,
      `model.type is ${JSON.stringify(json.model.type)}; GPT-2 models use a byte-level BPE`
    )
  }
  const byteLevel = hasByteLevel(json.pre_tokenizer)
  if (!byteLevel.found) {
    throw new TokenizerFileError(
      file,
      'pre_tokenizer is not ByteLevel; this is not a GPT-2-style byte-level BPE tokenizer'
    )
  }
  const vocab = toVocab(file, json.model.vocab)
  const specialTokens = new Map<string, number>()
  for (const added of Array.isArray(json.added_tokens) ? json.added_tokens : []) {
    if (isRecord(added) && typeof added.content === 'string' && Number.isInteger(added.id)) {
      specialTokens.set(added.content, added.id as number)
    }
  }
  return {
    vocab,
    merges: toMerges(file, json.model.merges),
    specialTokens,
    addPrefixSpace: byteLevel.addPrefixSpace
  }
}

async function fromVocabAndMerges(dir: string): Promise<Omit<TokenizerSpec, 'eosToken'>> {
  const vocabFile = join(dir, 'vocab.json')
  const vocab = toVocab(vocabFile, await readJson(vocabFile))
  const mergesFile = join(dir, 'merges.txt')
  let text: string
  try {
    text = await readFile(mergesFile, 'utf8')
  } catch {
    throw new TokenizerFileError(mergesFile, 'cannot be read; vocab.json needs merges.txt beside it')
  }
  const merges: string[] = []
  for (const [i, line] of text.split('\n').entries()) {
    const trimmed = line.replace(/\r$/, '')
    if (trimmed === '' || (i === 0 && trimmed.startsWith('#version'))) continue
    if (trimmed.split(' ').length !== 2) {
      throw new TokenizerFileError(
        mergesFile,
        `line ${i + 1} is ${JSON.stringify(trimmed)}, expected "left right"`
      )
    }
    merges.push(trimmed)
  }
  const specialTokens = new Map<string, number>()
  const configFile = join(dir, 'tokenizer_config.json')
  const config = existsSync(configFile) ? await readJson(configFile) : undefined
  if (isRecord(config) && isRecord(config.added_tokens_decoder)) {
    for (const [id, token] of Object.entries(config.added_tokens_decoder)) {
      const content = tokenContent(token)
      if (content !== undefined && /^\d+$/.test(id)) specialTokens.set(content, Number(id))
    }
  }
  const eot = vocab.get(ENDOFTEXT)
  if (eot !== undefined) specialTokens.set(ENDOFTEXT, eot)
  const addPrefixSpace = isRecord(config) && config.add_prefix_space === true
  return { vocab, merges, specialTokens, addPrefixSpace }
}

export async function readTokenizerFiles(dir: string): Promise<TokenizerSpec> {
  let spec: Omit<TokenizerSpec, 'eosToken'>
  if (existsSync(join(dir, 'tokenizer.json'))) spec = await fromTokenizerJson(dir)
  else if (existsSync(join(dir, 'vocab.json'))) spec = await fromVocabAndMerges(dir)
  else {
    throw new TokenizerFileError(
      dir,
      'no tokenizer.json and no vocab.json + merges.txt; copy the tokenizer files from the model this one was trained from'
    )
  }
  const eosToken = (await eosFromConfigs(dir)) ?? ENDOFTEXT
  if (!spec.vocab.has(eosToken) && !spec.specialTokens.has(eosToken)) {
    throw new TokenizerFileError(
      dir,
      `the end-of-text token ${JSON.stringify(eosToken)} is not in the vocabulary`
    )
  }
  return { ...spec, eosToken }
}
