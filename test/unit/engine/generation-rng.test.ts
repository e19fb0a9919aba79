// The seeded RNG: known-answer output of xoshiro128** (from the reference C code), reproducibility from a
// seed, exact resume from a saved state, and the ranges of the derived draws.
import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/generation/rng'

describe('Rng', () => {
  it('matches the reference xoshiro128** output for state [1, 2, 3, 4]', () => {
    const rng = Rng.fromState({ algorithm: 'xoshiro128**', words: [1, 2, 3, 4] })
    const out = Array.from({ length: 8 }, () => rng.nextUint32())
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849])
  })

  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const draw = (seed: number): number[] => {
      const rng = new Rng(seed)
      return Array.from({ length: 16 }, () => rng.nextUint32())
    }
    expect(draw(42)).toEqual(draw(42))
    expect(draw(42)).not.toEqual(draw(43))
    expect(draw(0)).not.toEqual(draw(2 ** 32))
    expect(draw(Number.MAX_SAFE_INTEGER)).toEqual(draw(Number.MAX_SAFE_INTEGER))
  })

  it('resumes exactly from a saved state, including through JSON', () => {
    const rng = new Rng(7)
    for (let i = 0; i < 5; i++) rng.nextFloat()
    const saved = JSON.parse(JSON.stringify(rng.getState()))
    const expected = [rng.nextUint32(), rng.nextFloat(), rng.nextInt(10)]
    const resumed = Rng.fromState(saved)
    expect([resumed.nextUint32(), resumed.nextFloat(), resumed.nextInt(10)]).toEqual(expected)
  })

  it('rejects bad seeds and bad states with a message that says what is wrong', () => {
    expect(() => new Rng(-1)).toThrow(/seed must be an integer/)
    expect(() => new Rng(1.5)).toThrow(/seed must be an integer/)
    expect(() => Rng.fromState({ algorithm: 'xoshiro128**', words: [0, 0, 0, 0] })).toThrow(/all zeros/)
    expect(() => Rng.fromState({ algorithm: 'xoshiro128**', words: [1, 2, 3, -4] })).toThrow(
      /unsigned 32-bit/
    )
  })

  it('draws floats in [0, 1) with mean near 1/2, and unbiased integers in range', () => {
    const rng = new Rng(1)
    let sum = 0
    let outside = 0
    const counts = new Array<number>(6).fill(0)
    for (let i = 0; i < 60000; i++) {
      const u = rng.nextFloat()
      if (u < 0 || u >= 1) outside++
      sum += u
      counts[rng.nextInt(6)]++
    }
    expect(outside).toBe(0)
    expect(Math.abs(sum / 60000 - 0.5)).toBeLessThan(0.005)
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400)
    expect(() => rng.nextInt(0)).toThrow(/bound/)
  })

  it('fills dropout masks in [0, 1) and shuffles into a permutation', () => {
    const rng = new Rng(3)
    const mask = rng.fillUniform(new Float32Array(1000))
    expect(mask.every((u) => u >= 0 && u < 1)).toBe(true)
    expect(new Set(mask).size).toBeGreaterThan(990)
    const items = Array.from({ length: 50 }, (_, i) => i)
    const shuffled = rng.shuffle([...items])
    expect(shuffled).not.toEqual(items)
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items)
  })
})
