// The logits processors against values worked out by hand from transformers' code (RepetitionPenalty,
// Temperature, TopK, TopP in that order), their edge cases, and the greedy / sampled token choice.
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_GENERATION_OPTIONS,
  type GenerationOptions
} from '../../../src/engine/generation/generation-options'
import {
  applyRepetitionPenalty,
  applyTemperature,
  applyTopK,
  applyTopP,
  kthLargest,
  processLogits
} from '../../../src/engine/generation/logits-processors'
import { Rng } from '../../../src/engine/generation/rng'
import { argmax, sampleToken } from '../../../src/engine/generation/token-choice'

const NEG = -Infinity
const f32 = (values: number[]): Float32Array => Float32Array.from(values)
const logOf = (probs: number[]): Float32Array => Float32Array.from(probs.map(Math.log))
const kept = (logits: Float32Array): number[] =>
  Array.from(logits.keys()).filter((i) => logits[i] !== -Infinity)

describe('repetition penalty (HF RepetitionPenaltyLogitsProcessor)', () => {
  it('divides positive and multiplies negative logits of every id in the sequence, once per id', () => {
    const logits = f32([1, -2, 3, 0.5, -0.5, 0])
    applyRepetitionPenalty(logits, [0, 1, 1, 1, 4, 5], 2)
    expect(Array.from(logits)).toEqual([0.5, -4, 3, 0.5, -1, 0])
  })

  it('rounds like float32 arithmetic', () => {
    const logits = f32([1])
    applyRepetitionPenalty(logits, [0], 1.3)
    expect(logits[0]).toBe(Math.fround(1 / Math.fround(1.3)))
    expect(logits[0]).not.toBe(1 / 1.3)
  })
})

describe('temperature (HF TemperatureLogitsWarper)', () => {
  it('divides every logit, -Infinity staying -Infinity', () => {
    const logits = f32([1, -2, 3, NEG])
    applyTemperature(logits, 0.5)
    expect(Array.from(logits)).toEqual([2, -4, 6, NEG])
    applyTemperature(logits, 4)
    expect(Array.from(logits)).toEqual([0.5, -1, 1.5, NEG])
  })
})

describe('top-k (HF TopKLogitsWarper)', () => {
  it('keeps the k largest and every tie at the k-th value', () => {
    const a = f32([1, 3, 3, 2, 0])
    applyTopK(a, 2)
    expect(Array.from(a)).toEqual([NEG, 3, 3, NEG, NEG])
    const b = f32([1, 3, 2, 2, 0])
    applyTopK(b, 2)
    expect(Array.from(b)).toEqual([NEG, 3, 2, 2, NEG])
    const c = f32([1, 3, 3, 2, 0])
    applyTopK(c, 3)
    expect(Array.from(c)).toEqual([NEG, 3, 3, 2, NEG])
  })

  it('changes nothing when k covers the vocabulary, and keeps min_tokens_to_keep', () => {
    const a = f32([1, 2, 3])
    applyTopK(a, 3)
    expect(Array.from(a)).toEqual([1, 2, 3])
    applyTopK(a, 100)
    expect(Array.from(a)).toEqual([1, 2, 3])
    const b = f32([5, 1, 4, 2])
    applyTopK(b, 1, 2)
    expect(Array.from(b)).toEqual([5, NEG, 4, NEG])
  })

  it('finds the k-th largest by selection, as a full sort would', () => {
    const rng = new Rng(11)
    for (const n of [1, 2, 7, 100, 1001, 5000]) {
      const values = Float32Array.from({ length: n }, () => Math.round(rng.nextFloat() * 200) / 10 - 10)
      const sorted = Array.from(values).sort((x, y) => y - x)
      for (const k of [1, 2, 100, 300, Math.ceil(n / 2), n].filter((v) => v <= n)) {
        expect(kthLargest(values, k)).toBe(sorted[k - 1])
      }
    }
  })
})

/** HF's top-p written plainly: stable ascending sort of every token, cumulative softmax, drop <= 1 - p. */
function topPBySorting(logits: Float32Array, topP: number, minKeep: number): number[] {
  const order = Array.from(logits.keys()).sort((a, b) => logits[a] - logits[b] || a - b)
  const max = logits[order[order.length - 1]]
  const sum = order.reduce((s, i) => s + Math.exp(logits[i] - max), 0)
  const removed = new Set<number>()
  let cumulative = 0
  order.forEach((id, position) => {
    cumulative += Math.fround(Math.exp(logits[id] - max) / sum)
    if (Math.fround(cumulative) <= Math.fround(1 - topP) && position < order.length - minKeep) removed.add(id)
  })
  return Array.from(logits.keys()).filter((i) => logits[i] !== NEG && !removed.has(i))
}

describe('top-p (HF TopPLogitsWarper)', () => {
  // Probabilities 0.3, 0.1, 0.4, 0.2 at ids 0..3; ascending 0.1, 0.2, 0.3, 0.4 with cumulative 0.1, 0.3, 0.6, 1.
  const probs = [0.3, 0.1, 0.4, 0.2]

  it('drops the tokens whose ascending cumulative probability is <= 1 - top_p', () => {
    const cases: Array<[number, number[]]> = [
      [0.75, [0, 2, 3]], // 1 - p = 0.25: only 0.1 (cum 0.1) goes
      [0.5, [0, 2]], // 0.5: 0.1 and 0.2 (cum 0.3) go, 0.3 (cum 0.6) stays
      [0.3, [2]], // 0.7: all but 0.4
      [0.05, [2]], // 0.95: all but the most likely (min_tokens_to_keep 1)
      [0.95, [0, 1, 2, 3]] // 0.05: nothing goes
    ]
    for (const [topP, expected] of cases) {
      const logits = logOf(probs)
      applyTopP(logits, topP)
      expect(kept(logits), `top_p ${topP}`).toEqual(expected)
    }
  })

  it('leaves kept logits unchanged and honours min_tokens_to_keep', () => {
    const logits = logOf(probs)
    const before = Float32Array.from(logits)
    applyTopP(logits, 0.05, 2)
    expect(kept(logits)).toEqual([0, 2])
    expect(logits[0]).toBe(before[0])
    expect(logits[2]).toBe(before[2])
  })

  it('drops the lower ids first among equal logits, and counts a cumulative equal to 1 - top_p as dropped', () => {
    const logits = f32([0, 0, 0, 0])
    applyTopP(logits, 0.5)
    expect(Array.from(logits)).toEqual([NEG, NEG, 0, 0])
  })

  it('drops exactly what a full stable sort would, on random vocabularies with ties and removed tokens', () => {
    const rng = new Rng(21)
    for (let trial = 0; trial < 40; trial++) {
      const n = 50 + rng.nextInt(3000)
      const spread = 1 + rng.nextFloat() * 30
      const logits = Float32Array.from({ length: n }, () =>
        rng.nextFloat() < 0.1 ? NEG : Math.round(rng.nextFloat() * spread * 8) / 8
      )
      logits[rng.nextInt(n)] = spread
      const topP = [0.1, 0.5, 0.9, 0.95, 0.999][trial % 5]
      const minKeep = 1 + (trial % 3)
      const expected = topPBySorting(logits, topP, minKeep)
      applyTopP(logits, topP, minKeep)
      expect(kept(logits), `trial ${trial}`).toEqual(expected)
    }
  })

  it('ignores tokens already removed by top-k', () => {
    const logits = f32([NEG, Math.log(0.25), NEG, Math.log(0.75)])
    applyTopP(logits, 0.7)
    expect(kept(logits)).toEqual([3])
  })
})

describe('processLogits (HF order)', () => {
  const options = (over: Partial<GenerationOptions>): GenerationOptions => ({
    ...DEFAULT_GENERATION_OPTIONS,
    ...over
  })

  it('applies penalty, temperature, top-k, top-p in that order when sampling', () => {
    // penalty 2 on ids 4, 3: [2, 1, 0, -2, 2]; temperature 0.5: [4, 2, 0, -4, 4]; top-k 3 keeps 4, 2, 4;
    // top-p 0.8: probabilities 0.063, 0.468, 0.468, so id 1 (cumulative 0.063 <= 0.2) goes.
    const logits = f32([2, 1, 0, -1, 4])
    processLogits(logits, [4, 3], options({ repetitionPenalty: 2, temperature: 0.5, topK: 3, topP: 0.8 }))
    expect(Array.from(logits)).toEqual([4, NEG, NEG, NEG, 4])
  })

  it('applies only the repetition penalty for greedy decoding (doSample false or temperature 0)', () => {
    for (const over of [{ doSample: false }, { temperature: 0 }]) {
      const logits = f32([2, 1, 0, -1, 4])
      processLogits(logits, [4, 3], options({ repetitionPenalty: 2, topK: 1, topP: 0.1, ...over }))
      expect(Array.from(logits)).toEqual([2, 1, 0, -2, 2])
      expect(argmax(logits)).toBe(0)
    }
  })

  it('changes nothing with the neutral settings', () => {
    const logits = f32([2, 1, 0, -1, 4])
    processLogits(logits, [4, 3], options({ repetitionPenalty: 1, temperature: 1, topK: 0, topP: 1 }))
    expect(Array.from(logits)).toEqual([2, 1, 0, -1, 4])
  })
})

describe('token choice', () => {
  it('argmax takes the first of equal maxima, like torch.argmax', () => {
    expect(argmax(f32([1, 5, 5, 2]))).toBe(1)
    expect(argmax(f32([NEG, NEG, -3]))).toBe(2)
  })

  it('samples with one RNG draw, picking the token whose cumulative share covers it', () => {
    const logits = logOf([0.1, 0.2, 0.7])
    const rng = new Rng(5)
    const u = Rng.fromState(rng.getState()).nextFloat()
    const expected = u < 0.1 ? 0 : u < 0.3 ? 1 : 2
    expect(sampleToken(logits, rng)).toBe(expected)
    const after = Rng.fromState(rng.getState())
    const twoDraws = new Rng(5)
    twoDraws.nextFloat()
    expect(after.nextUint32()).toBe(twoDraws.nextUint32())
  })

  it('samples in proportion to the softmax and never picks a removed token', () => {
    const logits = f32([Math.log(0.1), Math.log(0.2), NEG, Math.log(0.7)])
    const rng = new Rng(9)
    const counts = [0, 0, 0, 0]
    for (let i = 0; i < 20000; i++) counts[sampleToken(logits, rng)]++
    expect(counts[2]).toBe(0)
    expect(Math.abs(counts[0] / 20000 - 0.1)).toBeLessThan(0.01)
    expect(Math.abs(counts[1] / 20000 - 0.2)).toBeLessThan(0.01)
    expect(Math.abs(counts[3] / 20000 - 0.7)).toBeLessThan(0.01)
  })

  it('on a GPT-2-sized vocabulary, keeps the top 50 then the top-p share of them, and samples one of those', () => {
    const rng = new Rng(2)
    const logits = Float32Array.from({ length: 50257 }, () => rng.nextFloat() * 10)
    const top50 = Array.from(logits.keys())
      .sort((a, b) => logits[b] - logits[a])
      .slice(0, 50)
    const expected = Float32Array.from(logits, (v, i) => (top50.includes(i) ? v : NEG))
    const expectedKept = topPBySorting(expected, 0.5, 1)
    processLogits(logits, [], { ...DEFAULT_GENERATION_OPTIONS, topK: 50, topP: 0.5 })
    expect(kept(logits)).toEqual(expectedKept)
    expect(expectedKept.length).toBeGreaterThan(10)
    expect(expectedKept.length).toBeLessThan(50)
    expect(expectedKept).toContain(sampleToken(logits, rng))
  })
})
