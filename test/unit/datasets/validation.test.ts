// The exact messages the import shows for broken records, each with file, line and field.
import { describe, expect, it } from 'vitest'
import { normalizeRecord, resolveMapping } from '../../../src/main/datasets/field-mapping'
import type { DatasetFormatName } from '../../../src/shared/datasets'

const mapping = resolveMapping({}, { instruction: 'instruction', input: 'input', output: 'output' })
const loc = { file: 'notes.jsonl', line: 17 }

function problems(value: unknown, format: DatasetFormatName = 'instruction'): string[] {
  const r = normalizeRecord(value, format, mapping, loc)
  return r.ok ? [] : r.problems.map((p) => p.message)
}

describe('record validation messages', () => {
  it('names the missing, empty or mistyped field', () => {
    expect(problems({ instruction: 'q' })).toEqual(["notes.jsonl line 17: field 'output' is missing"])
    expect(problems({ instruction: ' ', output: 'a' })).toEqual([
      "notes.jsonl line 17: field 'instruction' is empty"
    ])
    expect(problems({ instruction: 'q', output: ['a'] })).toEqual([
      "notes.jsonl line 17: field 'output' is a list, expected text"
    ])
    expect(problems('just text')).toEqual([
      "notes.jsonl line 17: record is a string, expected an object with 'instruction' and 'output' fields"
    ])
  })

  it('accepts numbers as text and a missing or null input', () => {
    const r = normalizeRecord({ instruction: 'q', input: null, output: 42 }, 'instruction', mapping, loc)
    expect(r).toEqual({
      ok: true,
      record: { kind: 'instruction', instruction: 'q', input: '', output: '42' }
    })
  })

  it('reports empty text records and bad chat turns', () => {
    expect(problems({ text: '  \n' }, 'text')).toEqual(['notes.jsonl line 17: record is empty'])
    expect(problems({ messages: [{ role: 'wizard', content: 'x' }, { role: 'user' }] }, 'chat')).toEqual([
      'notes.jsonl line 17: messages[0] has role "wizard"; expected system, user or assistant (or human/gpt)',
      'notes.jsonl line 17: messages[1] has no text content'
    ])
    expect(problems({ messages: [{ role: 'user', content: 'hi' }] }, 'chat')).toEqual([
      "notes.jsonl line 17: field 'messages' has no assistant message to train on"
    ])
  })

  it('normalizes ShareGPT roles', () => {
    const share = resolveMapping({}, { messages: 'conversations' })
    const r = normalizeRecord(
      {
        conversations: [
          { from: 'human', value: 'hi' },
          { from: 'gpt', value: 'yo' }
        ]
      },
      'chat',
      share,
      loc
    )
    expect(r).toEqual({
      ok: true,
      record: {
        kind: 'chat',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'yo' }
        ]
      }
    })
  })
})
