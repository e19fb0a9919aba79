// LR schedules against values computed from transformers' get_*_schedule_with_warmup formulas
// (LambdaLR multipliers at several steps), and HF's warmup_steps / warmup_ratio rule.
import { describe, expect, it } from 'vitest'
import { learningRateAt, lrMultiplier, resolveWarmupSteps } from '../../../src/engine/optim/lr-schedule'

describe('lr schedules', () => {
  it('constant with warmup ramps linearly from 0, then holds', () => {
    expect([0, 1, 2, 3, 4, 10].map((s) => lrMultiplier('constant', s, 4, 10))).toEqual([
      0, 0.25, 0.5, 0.75, 1, 1
    ])
    expect(lrMultiplier('constant', 0, 0, 10)).toBe(1)
  })

  it('linear decays to 0 at the last step', () => {
    // get_linear_schedule_with_warmup(num_warmup_steps=2, num_training_steps=10)
    expect([0, 1, 2, 3, 6, 9, 10, 12].map((s) => lrMultiplier('linear', s, 2, 10))).toEqual([
      0, 0.5, 1, 0.875, 0.5, 0.125, 0, 0
    ])
  })

  it('cosine follows half a cosine after warmup', () => {
    // get_cosine_schedule_with_warmup(num_warmup_steps=2, num_training_steps=10), num_cycles 0.5
    const got = [0, 1, 2, 4, 6, 8, 10].map((s) => lrMultiplier('cosine', s, 2, 10))
    const expected = [0, 0.5, 1, 0.8535533905932737, 0.5, 0.14644660940672627, 0]
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12))
  })

  it('scales the base rate; the first optimizer step uses step 0', () => {
    const schedule = { kind: 'linear' as const, baseLr: 2e-4, totalSteps: 100, warmupSteps: 0 }
    expect(learningRateAt(schedule, 0)).toBe(2e-4)
    expect(learningRateAt(schedule, 50)).toBeCloseTo(1e-4, 15)
  })

  it('takes warmup_steps when set, else ceil(total × warmup_ratio)', () => {
    expect(resolveWarmupSteps(1000, 10, 0.5)).toBe(10)
    expect(resolveWarmupSteps(1000, 0, 0.03)).toBe(30)
    expect(resolveWarmupSteps(101, 0, 0.03)).toBe(4)
    expect(resolveWarmupSteps(101, 0, 0)).toBe(0)
  })
})
