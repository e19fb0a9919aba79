// Training samples read back from a real SQLite dataset a page of records at a time: packing runs on
// across page boundaries and splits, instruction samples keep their prompt mask and the overlong
// policy, and iterating again gives the same samples.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RECORDS_PER_PAGE, streamTrainingSamples } from '../../src/main/datasets/training-samples'
import type { TextTokenizer } from '../../src/main/datasets/text-tokenizer'
import { openStore, type Store } from '../../src/main/store/store'
import type { DatasetSettings, NormalizedRecord } from '../../src/shared/datasets'

/** One id per character (its code point), EOS 0: token counts are character counts. */
const chars: TextTokenizer = {
  name: 'chars',
  eosTokenId: 0,
  encode: (text) => [...text].map((c) => c.codePointAt(0) as number),
  decode: (ids) => ids.map((id) => (id === 0 ? '<eos>' : String.fromCodePoint(id))).join('')
}

const baseSettings: DatasetSettings = {
  format: 'text',
  mapping: {},
  template: { name: 'human-assistant' },
  trainOnPrompt: false,
  maxLength: 8,
  textMode: 'pack',
  overlap: 0,
  overlong: 'truncate',
  dedupe: false,
  split: { kind: 'none' }
}

let root: string
let store: Store

function createDataset(
  name: string,
  settings: DatasetSettings,
  records: NormalizedRecord[],
  validationEvery = 0
): number {
  return store.datasets.createWithRecords(
    { name, format: settings.format, settings, sources: [] },
    records.map((record, ordinal) => ({
      ordinal,
      split: validationEvery && ordinal % validationEvery === validationEvery - 1 ? 'validation' : 'train',
      location: { file: 'x.jsonl', line: ordinal + 1 },
      record,
      tokens: 0,
      trainedTokens: 0
    }))
  ).id
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'lora-ds-samples-'))
  store = openStore(join(root, 'studio.db'))
})

afterAll(() => {
  store.close()
  rmSync(root, { recursive: true, force: true })
})

describe('training samples from a stored dataset', () => {
  it('packs text records of each split across record pages, the same on every iteration', () => {
    const n = RECORDS_PER_PAGE * 2 + 37
    const texts = Array.from({ length: n }, (_, i) => `d${i}`)
    const id = createDataset(
      'packed',
      baseSettings,
      texts.map((text) => ({ kind: 'text', text })),
      5
    )
    const packed = (split: 0 | 1): number[][] => {
      const ids = texts
        .filter((_, i) => (i % 5 === 4 ? 1 : 0) === split)
        .flatMap((t) => [...chars.encode(t), 0])
      return Array.from({ length: Math.ceil(ids.length / 8) }, (_, b) => ids.slice(b * 8, b * 8 + 8))
    }

    const stream = streamTrainingSamples(store.db, id, chars)
    expect([stream.train.records, stream.validation.records]).toEqual([
      n - Math.floor(n / 5),
      Math.floor(n / 5)
    ])
    const train = [...stream.train]
    expect(train.map((s) => s.inputIds)).toEqual(packed(0))
    expect(train.every((s) => s.labels.join() === s.inputIds.join())).toBe(true)
    expect([...stream.validation].map((s) => s.inputIds)).toEqual(packed(1))
    expect([...stream.train]).toEqual(train)
    expect([stream.maxLength, stream.template]).toEqual([8, { name: 'human-assistant' }])
  })

  it('masks instruction prompts and drops over-long records when the dataset says so', () => {
    const settings: DatasetSettings = {
      ...baseSettings,
      format: 'instruction',
      maxLength: 40,
      overlong: 'drop'
    }
    const id = createDataset('instructions', settings, [
      { kind: 'instruction', instruction: 'Q', input: '', output: 'A' },
      { kind: 'instruction', instruction: 'Q', input: '', output: 'x'.repeat(40) },
      { kind: 'instruction', instruction: 'Hi', input: '', output: 'Yo' }
    ])
    const train = [...streamTrainingSamples(store.db, id, chars).train]
    expect(train.map((s) => chars.decode(s.inputIds))).toEqual([
      'Human: Q\n\nAssistant: A<eos>',
      'Human: Hi\n\nAssistant: Yo<eos>'
    ])
    expect(train.map((s) => chars.decode(s.labels.filter((l) => l !== -100)))).toEqual(['A<eos>', 'Yo<eos>'])
  })

  it('names a dataset that does not exist', () => {
    expect(() => streamTrainingSamples(store.db, 9999, chars)).toThrow(
      'Dataset 9999 does not exist; choose another dataset for the run.'
    )
  })
})
