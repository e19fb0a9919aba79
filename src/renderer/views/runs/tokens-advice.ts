// The Train form's tokens/char comparison: when GPT-2 cuts the dataset's text into byte pieces, how many
// tokens a character GPT-2 needs against the chosen model, or, when a GPT-2 model is chosen, against
// the registered model whose tokenizer serves the text best. Null when there is nothing to say.
import type { TokensPerCharComparison } from '../../../shared/datasets'
import type { ModelSummary } from '../../../shared/models'

export interface TokensAdvice {
  /** chosen: the chosen model already serves the text better; better: another registered one does. */
  kind: 'chosen' | 'better'
  model: ModelSummary
  gpt2Ratio: number
  modelRatio: number
  /** GPT-2's tokens over the model's, for the same text. */
  factor: number
}

export function tokensAdvice(
  models: readonly ModelSummary[],
  chosenPath: string,
  comparisonOf: (modelId: number) => TokensPerCharComparison | null
): TokensAdvice | null {
  const measured = models.flatMap((model) => {
    const comparison = comparisonOf(model.id)
    return comparison && comparison.model.tokens > 0 ? [{ model, comparison }] : []
  })
  const better = measured.filter(
    ({ model, comparison }) =>
      model.family !== 'gpt2' && comparison.gpt2Fragmented && comparison.model.ratio < comparison.gpt2.ratio
  )
  const chosen = better.find(({ model }) => model.path === chosenPath)
  const chosenIsGpt2 = models.some((m) => m.path === chosenPath && m.family === 'gpt2')
  const best = [...better].sort((a, b) => a.comparison.model.ratio - b.comparison.model.ratio)[0]
  const pick = chosen ?? (chosenIsGpt2 ? best : undefined)
  if (!pick) return null
  const { gpt2, model } = pick.comparison
  return {
    kind: chosen ? 'chosen' : 'better',
    model: pick.model,
    gpt2Ratio: gpt2.ratio,
    modelRatio: model.ratio,
    factor: gpt2.tokens / model.tokens
  }
}
