// The Train form continuing an adapter: choosing a run's checkpoint (an r 16 adapter while the form
// says r 8) takes r, alpha, target modules, rsLoRA, base model and template from it and locks them; a
// preset keeps them; Start names the run and step; a fresh adapter unlocks. A Compare of continued runs
// lays them end to end on one step axis.
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { ContinueSourceInfo } from '../../../src/shared/runs'
import { draftConfig, useTrainFormStore } from '../../../src/renderer/stores/train-form'
import { chainOffsets, chainOrder, shifted } from '../../../src/renderer/views/runs/run-chain'

const r16: ContinueSourceInfo = {
  adapterPath: '/data/runs/3/checkpoints/step-8/adapter',
  lora: { r: 16, alpha: 32, dropout: 0.1, targetModules: ['attn.c_attn', 'attn.c_proj'], rsLora: false },
  baseModel: '/models/gpt2',
  template: 'alpaca',
  parent: { runId: 3, runName: 'blog r16', step: 8 }
}

describe('Train form: continue from an adapter', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('takes the adapter’s LoRA shape, base model and template, locks them, and keeps them under a preset', () => {
    const form = useTrainFormStore()
    Object.assign(form.draft, { baseModel: '/models/other' })
    form.draft.settings.lora.r = 8
    expect(form.locked).toEqual({ lora: false, baseModel: false, template: false })

    form.continueFrom({ runId: 3, step: 8 }, r16)
    expect(form.locked).toEqual({ lora: true, baseModel: true, template: true })
    const config = draftConfig(form.draft)
    expect(config.lora).toEqual(r16.lora)
    expect(config.baseModel).toBe('/models/gpt2')
    expect(config.template).toBe('alpaca')
    expect(config.initAdapter).toBe(r16.adapterPath)
    expect(form.continueInput()).toEqual({ continueFrom: 3, continueFromStep: 8 })

    form.applyPreset('instruction-tuning')
    expect(draftConfig(form.draft).lora).toMatchObject({
      r: 16,
      alpha: 32,
      targetModules: r16.lora.targetModules
    })
    expect(draftConfig(form.draft).template).toBe('alpaca')

    form.freshAdapter()
    expect(form.locked.lora).toBe(false)
    expect(form.draft.settings.initAdapter).toBeNull()
    expect(form.continueInput()).toEqual({})
  })

  it('continues a run’s final adapter without a step, and a foreign folder locks only what it knows', () => {
    const form = useTrainFormStore()
    form.continueFrom({ runId: 3 }, r16)
    expect(form.continueInput()).toEqual({ continueFrom: 3 })
    form.draft.baseModel = '/models/mine'
    form.continueFrom(
      { folder: '/peft/out' },
      { ...r16, adapterPath: '/peft/out', baseModel: null, template: null, parent: null }
    )
    expect(form.locked).toEqual({ lora: true, baseModel: false, template: false })
    expect(form.draft.baseModel).toBe('/models/mine')
    expect(form.continueInput()).toEqual({})
    form.reset()
    expect(form.continuing).toBeNull()
  })
})

describe('Compare: continued runs as one chain', () => {
  const run = (id: number, step: number, parentRunId: number | null, parentStep: number | null) => ({
    id,
    step,
    parentRunId,
    parentStep
  })

  it('orders a chain and offsets each run by its parent’s step at the continue point', () => {
    const order = chainOrder([run(7, 5, 4, 6), run(2, 16, null, null), run(4, 10, 2, 12)])
    expect(order?.map((r) => r.id)).toEqual([2, 4, 7])
    expect([...chainOffsets(order!)]).toEqual([
      [2, 0],
      [4, 12],
      [7, 18]
    ])
    expect(
      shifted(
        [
          [1, 2.5],
          [2, 2.25]
        ],
        12
      )
    ).toEqual([
      [13, 2.5],
      [14, 2.25]
    ])
  })

  it('offers no chain for unrelated runs or a fork', () => {
    expect(chainOrder([run(1, 8, null, null), run(2, 8, null, null)])).toBeNull()
    expect(chainOrder([run(1, 8, null, null), run(2, 4, 1, 8), run(3, 4, 1, 4)])).toBeNull()
    // A parent's step not recorded (a run continued before lineage was kept): its last step.
    expect([...chainOffsets(chainOrder([run(1, 8, null, null), run(2, 4, 1, null)])!)]).toEqual([
      [1, 0],
      [2, 8]
    ])
  })
})
