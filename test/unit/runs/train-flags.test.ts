// The `train` verb's flags: every config field reachable from the command line, --config merged
// under the flags, dataset ids told from file paths, and errors that name the flag.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { trainPatch } from '../../../src/main/cli/training/train-flags'
import { resolveRunConfig } from '../../../src/shared/runs'

const work = mkdtempSync(join(tmpdir(), 'train-flags-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('train flags', () => {
  it('maps flags onto the run config', () => {
    const { preset, name, patch } = trainPatch({
      model: '/m',
      data: '12',
      preset: 'gpt2-blog-recipe',
      name: 'n',
      'max-steps': '100',
      lr: '2e-4',
      r: '8',
      targets: 'c_attn, mlp.c_fc',
      rslora: true,
      'validation-split': '0.1',
      'no-packing': true,
      'keep-last': '3'
    })
    expect([preset, name]).toEqual(['gpt2-blog-recipe', 'n'])
    const c = resolveRunConfig(preset, patch)
    expect(c.data).toEqual({ kind: 'dataset', id: 12 })
    expect(c.validation).toEqual({ kind: 'split', ratio: 0.1 })
    expect([c.maxSteps, c.learningRate, c.packing, c.keepLast]).toEqual([100, 2e-4, false, 3])
    expect(c.lora).toEqual({
      r: 8,
      alpha: 32,
      dropout: 0.1,
      targetModules: ['c_attn', 'mlp.c_fc'],
      rsLora: true
    })
  })

  it('takes --config FILE under the flags', () => {
    const file = join(work, 'run.json')
    writeFileSync(file, JSON.stringify({ batchSize: 4, seed: 7, lora: { r: 2, alpha: 4 } }))
    const { patch } = trainPatch({ model: '/m', data: 'train.jsonl', config: file, seed: '9' })
    expect(patch).toMatchObject({
      batchSize: 4,
      seed: 9,
      lora: { r: 2, alpha: 4 },
      data: { kind: 'file', path: 'train.jsonl' }
    })
  })

  it('takes --workers N, and auto for one per CPU core', () => {
    const given = resolveRunConfig(undefined, trainPatch({ model: '/m', data: 'd', workers: '4' }).patch)
    expect(given.workers).toBe(4)
    const auto = trainPatch({ model: '/m', data: 'd', workers: 'auto' }).patch
    expect(auto).toHaveProperty('workers', null)
    expect(resolveRunConfig(undefined, auto).workers).toBeNull()
    expect(trainPatch({ model: '/m', data: 'd' }).patch).not.toHaveProperty('workers')
    expect(resolveRunConfig(undefined, trainPatch({ model: '/m', data: 'd' }).patch).workers).toBeNull()
  })

  it('takes --gradient-checkpointing and --no-gradient-checkpointing, off by default', () => {
    const on = trainPatch({ model: '/m', data: 'd', 'gradient-checkpointing': true }).patch
    expect(resolveRunConfig(undefined, on).gradientCheckpointing).toBe(true)
    const file = join(work, 'checkpointing.json')
    writeFileSync(file, JSON.stringify({ gradientCheckpointing: true }))
    const off = trainPatch({ model: '/m', data: 'd', config: file, 'no-gradient-checkpointing': true }).patch
    expect(resolveRunConfig(undefined, off).gradientCheckpointing).toBe(false)
    expect(trainPatch({ model: '/m', data: 'd' }).patch).not.toHaveProperty('gradientCheckpointing')
    expect(
      resolveRunConfig(undefined, trainPatch({ model: '/m', data: 'd' }).patch).gradientCheckpointing
    ).toBe(false)
  })

  it('rejects --workers that is not 1 to 64 or auto, naming the flag', () => {
    for (const bad of ['0', '65', '2.5', '-1', 'many', '']) {
      expect(() => trainPatch({ model: '/m', data: 'd', workers: bad })).toThrow(
        `--workers must be a whole number from 1 to 64 or auto, got "${bad}"`
      )
    }
  })

  it('takes --continue-from RUN_ID (its final adapter) or RUN_ID:STEP (one of its checkpoints)', () => {
    expect(trainPatch({ data: 'd', 'continue-from': '3' })).toMatchObject({ continueFrom: 3 })
    expect(trainPatch({ data: 'd', 'continue-from': '3' }).continueFromStep).toBeUndefined()
    expect(trainPatch({ data: 'd', 'continue-from': '3:500' })).toMatchObject({
      continueFrom: 3,
      continueFromStep: 500
    })
    for (const bad of ['0', '3:', 'x', '3:1.5', '-2']) {
      expect(() => trainPatch({ data: 'd', 'continue-from': bad })).toThrow(
        `--continue-from must be a run id, or RUN_ID:STEP for one of its checkpoints (e.g. 3 or 3:500); got "${bad}"`
      )
    }
  })

  it('names the flag or field that is wrong', () => {
    expect(() => trainPatch({ model: '/m', data: 'd', epochs: 'x' })).toThrow(
      '--epochs must be a number, got "x"'
    )
    expect(() => trainPatch({ model: '/m', data: 'd', schedule: 'step' })).toThrow(
      '--schedule must be one of: constant, linear, cosine'
    )
    expect(() => trainPatch({ data: 'd' })).toThrow(
      '--model NAME|DIR is required (or --continue-from RUN_ID)'
    )
    expect(() => trainPatch({ model: '/m', data: 'd', preset: 'fast' })).toThrow(
      /--preset "fast" is not a preset/
    )
  })
})
