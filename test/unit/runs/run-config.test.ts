// The run configuration: HF Trainer / PEFT defaults, presets under the user's fields, field errors.
import { describe, expect, it } from 'vitest'
import {
  RunConfigPatch,
  StartRunInput,
  presets,
  resolveRunConfig,
  runDefaults
} from '../../../src/shared/runs'
import { contract, eventNames } from '../../../src/shared/contract'

const data = { kind: 'file' as const, path: '/tmp/train.jsonl' }

describe('run config', () => {
  it('fills Hugging Face Trainer and PEFT defaults where the user gives nothing', () => {
    const c = resolveRunConfig(undefined, { baseModel: '/models/gpt2', data })
    expect(c).toMatchObject({
      learningRate: 5e-5,
      schedule: 'linear',
      weightDecay: 0,
      maxGradNorm: 1,
      adamBeta1: 0.9,
      adamBeta2: 0.999,
      adamEpsilon: 1e-8,
      epochs: 3,
      batchSize: 8,
      warmupSteps: 0,
      warmupRatio: 0,
      seed: 42,
      keepLast: null,
      workers: null,
      gradientCheckpointing: false,
      saveEvery: 500,
      maxSteps: null,
      lora: { r: 8, alpha: 8, dropout: 0, targetModules: ['c_attn'], rsLora: false }
    })
  })

  it('applies the GPT-2 blog recipe and lets the user override single LoRA fields', () => {
    const c = resolveRunConfig('gpt2-blog-recipe', { baseModel: 'm', data, lora: { r: 8 } })
    expect(c.lora).toEqual({
      r: 8,
      alpha: 32,
      dropout: 0.1,
      targetModules: ['attn.c_attn', 'attn.c_proj'],
      rsLora: false
    })
    expect([c.maxLength, c.epochs, c.learningRate, c.schedule]).toEqual([1024, 1, 5e-5, 'linear'])
  })

  it('every preset resolves to a valid config', () => {
    for (const name of Object.keys(presets) as (keyof typeof presets)[]) {
      expect(resolveRunConfig(name, { baseModel: 'm', data }).baseModel).toBe('m')
    }
  })

  it('names the missing or invalid field', () => {
    expect(() => resolveRunConfig(undefined, { data })).toThrow(/baseModel/)
    const bad = RunConfigPatch.safeParse({ lora: { r: 0 }, learningRate: -1 })
    expect(bad.success).toBe(false)
    const paths = bad.error!.issues.map((i) => i.path.join('.'))
    expect(paths).toEqual(expect.arrayContaining(['lora.r', 'learningRate']))
    expect(StartRunInput.safeParse({ config: { bogus: 1 } }).success).toBe(false)
  })

  it('takes 1 to 64 data-parallel workers, or null for one per CPU core', () => {
    expect(resolveRunConfig('quick-test', { baseModel: 'm', data, workers: 3 }).workers).toBe(3)
    expect(RunConfigPatch.safeParse({ workers: null }).success).toBe(true)
    for (const bad of [0, 65, 1.5]) {
      const r = RunConfigPatch.safeParse({ workers: bad })
      expect(r.success).toBe(false)
      expect(r.error!.issues[0].path).toEqual(['workers'])
    }
  })

  it('defaults are a valid config when base model and data are given', () => {
    expect(resolveRunConfig(null, { ...runDefaults, baseModel: 'm', data }).seed).toBe(42)
  })

  it('registers the runs API block and the run.progress event', () => {
    expect(Object.keys(contract.runs).sort()).toEqual(
      [
        'checkpoints',
        'continueSource',
        'delete',
        'estimate',
        'export',
        'get',
        'list',
        'metrics',
        'notes',
        'pause',
        'rename',
        'resume',
        'start',
        'stop',
        'wasmFits'
      ].sort()
    )
    expect(eventNames).toContain('run.progress')
  })
})
