// Forms start clean: the import wizard's dataset name follows the files until the person types one,
// and the Train form's run name is not left over for the next run once a run has started.
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import { useTrainFormStore } from '../../../src/renderer/stores/train-form'
import { nameForPaths } from '../../../src/renderer/views/datasets/import-draft'

describe('forms start clean', () => {
  it("renames the dataset after other files while the name is still the wizard's suggestion", () => {
    expect(nameForPaths('', null, ['/data/alpaca-notes.jsonl'])).toBe('alpaca-notes')
    // Back to step 1, other files: the earlier file's name does not stay.
    expect(nameForPaths('alpaca-notes', 'alpaca-notes', ['/data/blog/'])).toBe('blog')
    // A name the person typed stays.
    expect(nameForPaths('my security notes', 'alpaca-notes', ['/data/blog/'])).toBe('my security notes')
  })

  it("clears the Train form's run name (and the clone banner) once the run started, keeping the settings", () => {
    setActivePinia(createPinia())
    const form = useTrainFormStore()
    form.applyPreset('quick-test')
    form.draft.name = 'blog r8'
    form.draft.settings.lora.r = 8
    form.clonedFrom = { id: 3, name: 'blog r4' }
    form.started()
    expect(form.draft.name).toBe('')
    expect(form.clonedFrom).toBeNull()
    expect(form.draft.settings.lora.r).toBe(8)
  })
})
