// How a model appears in every picker (Train, Chat, the Datasets wizard): name, family, size and
// context, so a person choosing between GPT-2 and a Qwen sees what each is without opening Models.
import type { ModelSummary } from '../shared/models'

type Translate = (key: string, params: Record<string, unknown>) => string

/** `SmolLM2-135M · llama · 134.5M parameters · 8,192 context`; unknown parts are left out. */
export function modelChoiceLabel(model: ModelSummary, t: Translate, locale: string): string {
  return [model.name, ...modelFacts(model, t, locale)].join(' · ')
}

/** The label's parts after the name: family, size and context. */
export function modelFacts(model: ModelSummary, t: Translate, locale: string): string[] {
  const parts: string[] = []
  if (model.family !== null) parts.push(model.family)
  if (model.parameters !== null) {
    const n = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(
      model.parameters
    )
    parts.push(t('models.choice.parameters', { n }))
  }
  if (model.contextLength !== null)
    parts.push(t('models.choice.context', { n: model.contextLength.toLocaleString(locale) }))
  return parts
}
