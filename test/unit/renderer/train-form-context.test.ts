// The Train form against the model's context (n_positions): a preset, a cloned run or a model change
// above it is brought down to it with a note saying from what; a max length the person types is
// theirs (the form flags it, see TrainView) and clears the note.
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { fitToContext, overContext } from '../../../src/shared/context-fit'
import { presets, runDefaults } from '../../../src/shared/runs'
import { useTrainFormStore } from '../../../src/renderer/stores/train-form'

beforeEach(() => setActivePinia(createPinia()))

describe('max length against the model context', () => {
  it('fits only what is above a known context', () => {
    expect(fitToContext(1024, 256)).toEqual({ from: 1024, to: 256 })
    expect(fitToContext(256, 256)).toBeNull()
    expect(fitToContext(1024, null)).toBeNull()
    expect([
      overContext(257, 256),
      overContext(256, 256),
      overContext(null, 256),
      overContext(4096, null)
    ]).toEqual([true, false, false, false])
  })

  it('brings the blog recipe down to a 256-token model with a note, and keeps it on a 1024 one', () => {
    const form = useTrainFormStore()
    form.setModelContext(256)
    expect(presets['gpt2-blog-recipe'].fields.maxLength).toBe(1024)
    form.applyPreset('gpt2-blog-recipe')
    expect(form.draft.settings.maxLength).toBe(256)
    expect(form.contextFit).toEqual({ from: 1024, to: 256 })
    form.applyPreset('quick-test')
    expect([form.draft.settings.maxLength, form.contextFit]).toEqual([128, null])

    form.setModelContext(1024)
    form.applyPreset('gpt2-blog-recipe')
    expect([form.draft.settings.maxLength, form.contextFit]).toEqual([1024, null])
  })

  it('fits when a smaller model is chosen, and leaves a typed value to be flagged', () => {
    const form = useTrainFormStore()
    form.applyPreset('gpt2-blog-recipe')
    expect(form.draft.settings.maxLength).toBe(1024)
    form.setModelContext(512)
    expect([form.draft.settings.maxLength, form.contextFit]).toEqual([512, { from: 1024, to: 512 }])
    form.setMaxLength(2000)
    expect([form.draft.settings.maxLength, form.contextFit]).toEqual([2000, null])
    expect(overContext(form.draft.settings.maxLength, form.modelContext)).toBe(true)
  })

  it('fits a cloned run to the model chosen now', () => {
    const form = useTrainFormStore()
    form.setModelContext(256)
    const config = {
      ...runDefaults,
      maxLength: 768,
      baseModel: '/m',
      data: { kind: 'dataset' as const, id: 1 }
    }
    form.cloneRun({ id: 3, name: 'long', config: { ...config, validation: { kind: 'none' } } }, 'long (copy)')
    expect([form.draft.settings.maxLength, form.contextFit]).toEqual([256, { from: 768, to: 256 }])
  })
})
