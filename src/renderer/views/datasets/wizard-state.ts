// The state the import wizard's steps share (the draft, what inspection and preview returned, the
// models whose tokenizer can count), handed down with provide/inject so each step edits one object.
import { inject, type InjectionKey } from 'vue'
import type { InspectResult, PreviewResult } from '../../../shared/datasets'
import type { ModelSummary } from '../../../shared/models'
import type { ImportDraft } from './import-draft'

export interface WizardState {
  draft: ImportDraft
  inspect: InspectResult | null
  preview: PreviewResult | null
  models: ModelSummary[]
  /** Field errors of the last call, by the service's dotted path (e.g. `template.text`). */
  fieldErrors: Record<string, string>
}

export const wizardKey: InjectionKey<WizardState> = Symbol('import-wizard')

export function useWizard(): WizardState {
  const state = inject(wizardKey)
  if (!state) throw new Error('An import wizard step was shown outside ImportWizardView.')
  return state
}
