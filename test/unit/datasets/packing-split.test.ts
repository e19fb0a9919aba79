import { describe, expect, it } from 'vitest'
import { fitRecord, Packer, splitWithOverlap } from '../../../src/main/datasets/packing'
import { chooseValidation, validationCount } from '../../../src/main/datasets/split'

const settings = { maxLength: 4, textMode: 'pack' as const, overlap: 0, overlong: 'truncate' as const }

describe('packing', () => {
  it('packs documents into full blocks with EOS between them, nothing padded', () => {
    const packer = new Packer(4)
    const blocks = [
      ...packer.push([1, 2, 3, 9]),
      ...packer.push([4, 5, 9]),
      ...packer.push([6, 9]),
      ...packer.flush()
    ]
    expect(blocks.map((b) => b.inputIds)).toEqual([[1, 2, 3, 9], [4, 5, 9, 6], [9]])
    expect(blocks.every((b) => b.labels.join() === b.inputIds.join())).toBe(true)
  })

  it('splits a long document into overlapping windows', () => {
    expect(splitWithOverlap([1, 2, 3, 4, 5, 6, 7], 4, 1).map((s) => s.inputIds)).toEqual([
      [1, 2, 3, 4],
      [4, 5, 6, 7]
    ])
    expect(splitWithOverlap([1, 2, 3, 4, 5], 4, 0).map((s) => s.inputIds)).toEqual([[1, 2, 3, 4], [5]])
    expect(() => splitWithOverlap([1], 4, 4)).toThrow(
      'The overlap (4) must be smaller than the max length (4).'
    )
  })

  it('truncates an over-long sample, or drops it when nothing trained is left or when asked', () => {
    const sample = { inputIds: [1, 2, 3, 4, 5, 6], labels: [-100, -100, 3, 4, 5, 6] }
    expect(fitRecord(sample, false, settings)).toEqual({
      kind: 'truncated',
      samples: [{ inputIds: [1, 2, 3, 4], labels: [-100, -100, 3, 4] }]
    })
    expect(fitRecord(sample, false, { ...settings, overlong: 'drop' })).toEqual({
      kind: 'dropped',
      reason: 'is 6 tokens, over the max length of 4'
    })
    const promptOnly = { inputIds: [1, 2, 3, 4, 5], labels: [-100, -100, -100, -100, 5] }
    expect(fitRecord(promptOnly, false, settings)).toEqual({
      kind: 'dropped',
      reason: 'has no answer tokens left after truncation to 4 tokens (the prompt alone is longer)'
    })
  })
})

describe('split', () => {
  it('puts exactly round(n × ratio) records in validation, the same ones for the same seed', () => {
    const a = chooseValidation(1000, 0.1, 7)
    expect(a.reduce((n, f) => n + f, 0)).toBe(100)
    expect(chooseValidation(1000, 0.1, 7)).toEqual(a)
    expect(chooseValidation(1000, 0.1, 8)).not.toEqual(a)
    expect([...chooseValidation(10, 0.2, 42).entries()].filter(([, f]) => f).map(([i]) => i)).toEqual([5, 6])
  })

  it('keeps at least one record on each side when it can', () => {
    expect([
      validationCount(2, 0.01),
      validationCount(1, 0.5),
      validationCount(5, 0),
      validationCount(3, 0.5)
    ]).toEqual([1, 0, 0, 2])
  })
})
