// The Train form follows the chosen model's family: GPT-2's targets (c_attn…) on a Qwen/Llama model
// give way to the family preset (q/k/v/o, r 16, alpha 32), targets that fit are left alone, and the
// checkboxes list the family's module names.
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { LLAMA_LINEARS } from '../../../src/engine/formats/llama-weights'
import { FAMILY_TARGET_MODULES, targetsFitFamily } from '../../../src/shared/model-family'
import { modelChoiceLabel } from '../../../src/renderer/model-label'
import { useTrainFormStore } from '../../../src/renderer/stores/train-form'
import type { ModelSummary } from '../../../src/shared/models'

beforeEach(() => setActivePinia(createPinia()))

describe('LoRA targets per model family', () => {
  it('puts q/k/v/o with r 16, alpha 32 on a Qwen3 model chosen after GPT-2', () => {
    const form = useTrainFormStore()
    form.setModelFamily('gpt2')
    form.applyPreset('quick-test')
    expect(form.draft.settings.lora).toMatchObject({ targetModules: ['c_attn'], r: 4, alpha: 8 })
    form.setModelFamily('qwen3')
    expect(form.draft.settings.lora).toMatchObject({
      targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'],
      r: 16,
      alpha: 32
    })
    // A GPT-2 preset picked while the Qwen model is chosen keeps its other settings, not its targets.
    form.applyPreset('gpt2-blog-recipe')
    expect(form.draft.settings.lora.targetModules).toEqual(['q_proj', 'k_proj', 'v_proj', 'o_proj'])
    expect(form.draft.settings.lora.dropout).toBe(0.1)
  })

  it('leaves targets that fit the family as the person set them, and goes back to c_attn on GPT-2', () => {
    const form = useTrainFormStore()
    form.setModelFamily('llama')
    form.draft.settings.lora = { ...form.draft.settings.lora, targetModules: ['gate_proj'], r: 4 }
    form.setModelFamily('qwen2')
    expect(form.draft.settings.lora).toMatchObject({ targetModules: ['gate_proj'], r: 4 })
    form.setModelFamily('gpt2')
    expect(form.draft.settings.lora).toMatchObject({ targetModules: ['c_attn'], r: 8, alpha: 8 })
  })

  it('lists each family’s module names and matches them the PEFT way', () => {
    expect(FAMILY_TARGET_MODULES.qwen3).toEqual([...LLAMA_LINEARS])
    expect(FAMILY_TARGET_MODULES.gpt2).toEqual(['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'])
    expect([
      targetsFitFamily(['c_attn'], 'gpt2'),
      targetsFitFamily(['c_attn'], 'llama'),
      targetsFitFamily(['self_attn.q_proj'], 'qwen2'),
      targetsFitFamily(['q_proj'], 'gpt2')
    ]).toEqual([true, false, true, false])
  })
})

describe('model picker label', () => {
  it('shows family, size and context in the person’s language', () => {
    const model = {
      name: 'SmolLM2-135M',
      family: 'llama',
      parameters: 134_515_008,
      contextLength: 8192
    } as ModelSummary
    const t = (key: string, params: Record<string, unknown>): string =>
      key === 'models.choice.parameters' ? `${String(params.n)} parameters` : `${String(params.n)} context`
    expect(modelChoiceLabel(model, t, 'en')).toBe('SmolLM2-135M · llama · 134.5M parameters · 8,192 context')
    const untitled = { ...model, family: null, parameters: null, contextLength: null }
    expect(modelChoiceLabel(untitled, t, 'en')).toBe('SmolLM2-135M')
  })
})
