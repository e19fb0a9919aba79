// The duplicate detector's table: every distinct record is new once, every repeat is caught, also
// across the table's growth from its first 4096 slots to 32768.
import { describe, expect, it } from 'vitest'
import { FingerprintSet } from '../../../src/main/datasets/fingerprint-set'

describe('FingerprintSet', () => {
  it('reports each distinct text as new once and every repeat as a duplicate, across growth', () => {
    const set = new FingerprintSet()
    const n = 20_000
    let added = 0
    for (let i = 0; i < n; i++) if (set.add(`{"text":"record ${i}"}`)) added++
    expect(added).toBe(n)
    expect(set.size).toBe(n)
    let repeats = 0
    for (let i = 0; i < n; i += 7) if (!set.add(`{"text":"record ${i}"}`)) repeats++
    expect(repeats).toBe(Math.ceil(n / 7))
    expect(set.add('{"text":"record 200000"}')).toBe(true)
    expect(set.size).toBe(n + 1)
  })

  it('tells apart texts that differ in one character and treats the empty text as a value', () => {
    const set = new FingerprintSet()
    expect(set.add('')).toBe(true)
    expect(set.add('')).toBe(false)
    expect(set.add('a')).toBe(true)
    expect(set.add('b')).toBe(true)
    expect(set.add('a')).toBe(false)
  })
})
