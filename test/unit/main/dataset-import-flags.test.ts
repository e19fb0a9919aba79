// The CLI's import flags become the datasets API's import request: defaults, split kinds, a custom
// template from --template-text, field mapping, and errors that name the flag to fix.
import { describe, expect, it } from 'vitest'
import { importRequest } from '../../../src/main/cli/verbs/dataset-import-flags'

describe('import-dataset flags', () => {
  it('names the dataset after the first file and keeps the API defaults', () => {
    const r = importRequest(['/data/notes.v2.jsonl', '/data/more'], {})
    expect(r).toMatchObject({
      name: 'notes.v2',
      paths: ['/data/notes.v2.jsonl', '/data/more'],
      template: { name: 'human-assistant' },
      maxLength: 1024,
      dedupe: true,
      strict: false,
      split: { kind: 'ratio', validationRatio: 0.05, seed: 42 }
    })
    expect(r.format).toBeUndefined()
  })

  it('turns --split/--seed, --split 0 and --validation into the three split kinds', () => {
    expect(importRequest(['a.jsonl'], { split: '0.1', seed: '7' }).split).toEqual({
      kind: 'ratio',
      validationRatio: 0.1,
      seed: 7
    })
    expect(importRequest(['a.jsonl'], { seed: '7' }).split).toEqual({
      kind: 'ratio',
      validationRatio: 0.05,
      seed: 7
    })
    expect(importRequest(['a.jsonl'], { split: '0' }).split).toEqual({ kind: 'none' })
    expect(importRequest(['a.jsonl'], { validation: ['v.jsonl'] }).split).toEqual({
      kind: 'file',
      paths: ['v.jsonl']
    })
    expect(() => importRequest(['a.jsonl'], { validation: ['v.jsonl'], split: '0.1' })).toThrow(
      'give either --validation files or --split/--seed, not both'
    )
  })

  it('reads the template, mapping and processing flags', () => {
    const r = importRequest(['a.csv'], {
      name: 'qa',
      format: 'instruction',
      'template-text': 'Q: {instruction}\nA: {output}',
      map: ['instruction=question,output=answer'],
      'max-length': '256',
      overlong: 'drop',
      'keep-duplicates': true,
      'train-on-prompt': true,
      'batch-size': '4',
      'gradient-accumulation': '2'
    })
    expect(r).toMatchObject({
      name: 'qa',
      format: 'instruction',
      template: { name: 'custom', text: 'Q: {instruction}\nA: {output}' },
      mapping: { instruction: 'question', output: 'answer' },
      maxLength: 256,
      overlong: 'drop',
      dedupe: false,
      trainOnPrompt: true,
      batchSize: 4,
      gradientAccumulation: 2
    })
  })

  it('reports each wrong flag by its name', () => {
    expect(() => importRequest([], {})).toThrow('give the files or folders to import (PATH...)')
    expect(() => importRequest(['a.jsonl'], { 'max-length': 'long' })).toThrow(
      '--max-length takes a number, not "long"'
    )
    expect(() => importRequest(['a.jsonl'], { map: ['answer'] })).toThrow(
      '--map takes field=column pairs such as output=answer, not "answer"'
    )
    expect(() =>
      importRequest(['a.jsonl'], { 'max-length': '4', format: 'notes', map: ['reply=answer'] })
    ).toThrow(
      '--format must be one of: text, instruction, chat; ' +
        '--map: "reply" is not a field; map text, instruction, input, output or messages; ' +
        '--max-length must be 8 or more'
    )
    expect(() => importRequest(['a.jsonl'], { split: '0.9' })).toThrow('--split must be 0.5 or less')
  })
})
