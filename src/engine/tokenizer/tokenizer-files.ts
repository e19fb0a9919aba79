// Reads a byte-level BPE tokenizer from a model folder: `tokenizer.json` (any family: GPT-2, Llama 3,
// SmolLM2, Qwen) when present, otherwise `vocab.json` + `merges.txt` as the original GPT-2 release and
// `transformers` write them; `tokenizer_config.json` names the end- and beginning-of-text tokens and may
// switch the beginning-of-text token on or off (`add_bos_token`), as transformers honours it.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { byteLevelStep } from './pre-tokenize'
import {
  isRecord,
  parseTokenizerJson,
  toVocab,
  TokenizerFileError,
  type AddedToken,
  type TokenizerJson
} from './tokenizer-json'

export { TokenizerFileError }

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
  'generation_config.json',
  'chat_template.jinja'
]

export interface TokenizerSpec extends TokenizerJson {
  eosToken: string
  bosToken: string | null
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

/** `"<|endoftext|>"` or `{ "content": "<|endoftext|>", ... }` as tokenizer configs store special tokens. */
function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (isRecord(value) && typeof value.content === 'string') return value.content
  return undefined
}

/** The GPT-2 layout: a ByteLevel pre-tokenizer with GPT-2's regex, nothing added around a sequence. */
export function gpt2Spec(parts: {
  vocab: Map<string, number>
  merges: string[]
  addedTokens: AddedToken[]
  addPrefixSpace: boolean
}): TokenizerJson {
  return {
    vocab: parts.vocab,
    merges: parts.merges,
    addedTokens: parts.addedTokens,
    normalizer: null,
    preTokenizer: [byteLevelStep(parts.addPrefixSpace, true)],
    ignoreMerges: false,
    prefixTokens: [],
    suffixTokens: []
  }
}

async function fromVocabAndMerges(dir: string, config: Record<string, unknown>): Promise<TokenizerJson> {
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
  const added = new Map<string, number>()
  if (isRecord(config.added_tokens_decoder)) {
    for (const [id, token] of Object.entries(config.added_tokens_decoder)) {
      const content = tokenContent(token)
      if (content !== undefined && /^\d+$/.test(id)) added.set(content, Number(id))
    }
  }
  const eot = vocab.get(ENDOFTEXT)
  if (eot !== undefined) added.set(ENDOFTEXT, eot)
  const addedTokens = [...added].map(([content, id]) => ({
    content,
    id,
    special: true,
    lstrip: false,
    rstrip: false,
    normalized: false
  }))
  return gpt2Spec({ vocab, merges, addedTokens, addPrefixSpace: config.add_prefix_space === true })
}

async function readConfigs(dir: string): Promise<Record<string, unknown>> {
  const merged: Record<string, unknown> = {}
  for (const name of ['special_tokens_map.json', 'tokenizer_config.json']) {
    const file = join(dir, name)
    if (!existsSync(file)) continue
    const json = await readJson(file)
    if (isRecord(json)) Object.assign(merged, json)
  }
  return merged
}

/** `add_bos_token` / `add_eos_token` in tokenizer_config.json switch those tokens on or off around a sequence. */
function applyAddFlags(spec: TokenizerSpec, config: Record<string, unknown>): void {
  const toggle = (list: string[], token: string | null, flag: unknown, atStart: boolean): string[] => {
    if (token === null || typeof flag !== 'boolean') return list
    const without = list.filter((t) => t !== token)
    if (!flag) return without
    return atStart ? [token, ...without] : [...without, token]
  }
  spec.prefixTokens = toggle(spec.prefixTokens, spec.bosToken, config.add_bos_token, true)
  spec.suffixTokens = toggle(spec.suffixTokens, spec.eosToken, config.add_eos_token, false)
}

export async function readTokenizerFiles(dir: string): Promise<TokenizerSpec> {
  const config = await readConfigs(dir)
  let parsed: TokenizerJson
  const jsonFile = join(dir, 'tokenizer.json')
  if (existsSync(jsonFile)) parsed = parseTokenizerJson(jsonFile, await readJson(jsonFile))
  else if (existsSync(join(dir, 'vocab.json'))) parsed = await fromVocabAndMerges(dir, config)
  else {
    throw new TokenizerFileError(
      dir,
      'no tokenizer.json and no vocab.json + merges.txt; copy the tokenizer files from the model this one was trained from'
    )
  }
  const known = (token: string): boolean =>
    parsed.vocab.has(token) || parsed.addedTokens.some((t) => t.content === token)
  const eosToken = tokenContent(config.eos_token) ?? ENDOFTEXT
  if (!known(eosToken)) {
    throw new TokenizerFileError(
      dir,
      `the end-of-text token ${JSON.stringify(eosToken)} is not in the vocabulary`
    )
  }
  const bos = tokenContent(config.bos_token)
  const spec: TokenizerSpec = { ...parsed, eosToken, bosToken: bos !== undefined && known(bos) ? bos : null }
  applyAddFlags(spec, config)
  return spec
}
