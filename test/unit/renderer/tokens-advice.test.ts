// The Train form's tokens/char comparison (issue 16 item 7), on the counts datasets.tokensPerChar gives
// for the 82-character Chinese paragraph: GPT-2 171 tokens, Qwen3 49. It names the chosen model when it
// serves the text better than GPT-2, the best registered model when a GPT-2 model is chosen, and says
// nothing for English text that GPT-2 serves well.
import { createI18n } from 'vue-i18n'
import { describe, expect, it } from 'vitest'
import en from '../../../src/renderer/i18n/en'
import zhCN from '../../../src/renderer/i18n/zh-CN'
import { tokensAdvice } from '../../../src/renderer/views/runs/tokens-advice'
import type { TokensPerCharComparison } from '../../../src/shared/datasets'
import type { ModelSummary } from '../../../src/shared/models'

const model = (id: number, name: string, family: ModelSummary['family']) =>
  ({ id, name, family, path: `/models/${name}` }) as ModelSummary
const gpt2 = model(1, 'gpt2', 'gpt2')
const qwen = model(2, 'Qwen3-0.6B', 'qwen3')
const smol = model(3, 'SmolLM2-135M', 'llama')
const models = [gpt2, qwen, smol]

const measure = (tokenizer: string, tokens: number, characters = 82) => ({
  tokenizer,
  tokens,
  characters,
  ratio: tokens / characters
})
const chinese: Record<number, TokensPerCharComparison> = {
  1: {
    datasetId: 1,
    modelId: 1,
    gpt2: measure('gpt2', 171),
    model: measure('gpt2', 171),
    gpt2Fragmented: true
  },
  2: {
    datasetId: 1,
    modelId: 2,
    gpt2: measure('gpt2', 171),
    model: measure('qwen', 49),
    gpt2Fragmented: true
  },
  3: {
    datasetId: 1,
    modelId: 3,
    gpt2: measure('gpt2', 171),
    model: measure('smol', 120),
    gpt2Fragmented: true
  }
}
const of = (table: Record<number, TokensPerCharComparison>) => (id: number) => table[id] ?? null

describe('tokensAdvice', () => {
  it('compares GPT-2 with the chosen Qwen3 model', () => {
    expect(tokensAdvice(models, qwen.path, of(chinese))).toEqual({
      kind: 'chosen',
      model: qwen,
      gpt2Ratio: 171 / 82,
      modelRatio: 49 / 82,
      factor: 171 / 49
    })
    expect(tokensAdvice(models, smol.path, of(chinese))).toMatchObject({ kind: 'chosen', model: smol })
  })

  it('names the registered model that serves the text best when a GPT-2 model is chosen', () => {
    expect(tokensAdvice(models, gpt2.path, of(chinese))).toMatchObject({ kind: 'better', model: qwen })
    // Before Qwen3 is measured, the best measured one.
    const { 2: _qwen, ...rest } = chinese
    expect(tokensAdvice(models, gpt2.path, of(rest))).toMatchObject({ kind: 'better', model: smol })
  })

  it('says nothing when GPT-2 serves the text well, or before anything is measured', () => {
    const english = Object.fromEntries(
      Object.entries(chinese).map(([id, c]) => [id, { ...c, gpt2Fragmented: false }])
    )
    expect(tokensAdvice(models, gpt2.path, of(english))).toBeNull()
    expect(tokensAdvice(models, qwen.path, of(english))).toBeNull()
    expect(tokensAdvice(models, qwen.path, of({}))).toBeNull()
  })

  it('reads in en and zh-CN with the ratios and the factor', () => {
    const i18n = createI18n({ legacy: false, locale: 'en', messages: { en, 'zh-CN': zhCN } })
    const params = { gpt2: '2.09', model: 'Qwen3-0.6B', ratio: '0.60', factor: '3.5' }
    expect(i18n.global.t('train.fit.compareChosen', params)).toBe(
      'GPT-2 needs 2.09 tokens a character on this dataset; Qwen3-0.6B needs 0.60 — 3.5× fewer tokens for the same text.'
    )
    i18n.global.locale.value = 'zh-CN'
    expect(i18n.global.t('train.fit.compareChosen', params)).toBe(
      'GPT-2 在此数据集上每个字符需要 2.09 个 token；Qwen3-0.6B 只需 0.60 个——同样的文本，GPT-2 需要的 token 数是它的 3.5 倍。'
    )
  })
})
