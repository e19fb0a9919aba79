import { describe, expect, it } from 'vitest'
import { detectFormat, summarizeFields } from '../../../src/main/datasets/format-detect'

describe('format detection', () => {
  it('recognizes alpaca records and says why', () => {
    const samples = Array.from({ length: 12 }, (_, i) => ({
      instruction: `q${i}`,
      input: '',
      output: `a${i}`
    }))
    const { best } = detectFormat(samples)
    expect(best).toEqual({
      format: 'instruction',
      confidence: 1,
      mapping: { instruction: 'instruction', input: 'input', output: 'output' },
      reason: "12/12 sampled records have 'instruction' and 'output' fields"
    })
  })

  it('maps other column names and says so', () => {
    const samples = [
      { prompt: 'p', response: 'r' },
      { prompt: 'p2', response: 'r2', context: 'c' },
      { other: 1 }
    ]
    const { best } = detectFormat(samples)
    expect(best.format).toBe('instruction')
    expect(best.mapping).toEqual({ instruction: 'prompt', input: 'context', output: 'response' })
    expect(best.reason).toBe(
      "2/3 sampled records have 'prompt' and 'response' fields (read as instruction and output)"
    )
  })

  it('recognizes chat messages and ShareGPT conversations', () => {
    const chat = [
      {
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'hello' }
        ]
      }
    ]
    expect(detectFormat(chat).best.reason).toBe(
      "1/1 sampled records have a 'messages' list of {role, content} messages"
    )
    const share = [
      {
        conversations: [
          { from: 'human', value: 'hi' },
          { from: 'gpt', value: 'yo' }
        ]
      }
    ]
    const { best } = detectFormat(share)
    expect([best.format, best.mapping, best.reason]).toEqual([
      'chat',
      { messages: 'conversations' },
      "1/1 sampled records have a 'conversations' list of {from, value} turns (ShareGPT)"
    ])
  })

  it('reads plain documents and text fields as raw text, and admits when nothing fits', () => {
    expect(detectFormat(['doc one', 'doc two']).best.reason).toBe(
      '2/2 sampled records are plain text documents'
    )
    expect(detectFormat([{ content: 'x' }]).best).toMatchObject({
      format: 'text',
      mapping: { text: 'content' }
    })
    expect(detectFormat([{ a: 1 }, { b: 2 }]).best).toEqual({
      format: 'text',
      confidence: 0,
      mapping: {},
      reason:
        'none of the 2 sampled records has instruction/output fields, a messages list or a text field; choose the format and map the fields'
    })
  })

  it('summarizes the fields it saw', () => {
    expect(summarizeFields([{ a: 'x', b: 1 }, { a: null }])).toEqual([
      { name: 'a', count: 2, types: ['null', 'string'] },
      { name: 'b', count: 1, types: ['number'] }
    ])
  })
})
