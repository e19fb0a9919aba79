// The prompt template a run's samples were formatted with, one answer for the run page, compare, the
// CLI and chat: a dataset run's is its dataset's, and raw text (a text dataset) has none, so chat
// continues such a run's text as written ('raw') and the run page lists no template for it.
import type { DatasetSettings, TemplateSpec } from '../../shared/datasets'
import type { RunConfigValues } from '../../shared/runs'
import type { Store } from '../store/store'

/** The template to format prompts with for run `runId`'s adapter; null when it cannot be told. */
export function runTemplate(store: Store, runId: number): TemplateSpec | null {
  const run = store.runs.get(runId)
  if (!run) return null
  if (run.datasetId !== null) {
    const dataset = store.datasets.get(run.datasetId)
    if (dataset?.format === 'text') return { name: 'raw' }
    if (dataset) return (dataset.settings as DatasetSettings).template
  }
  const name = (run.config as RunConfigValues).template
  if (name === 'human-assistant' || name === 'alpaca' || name === 'chatml' || name === 'raw') return { name }
  return null
}

/** The template the run page names: none for raw text; the config's name when the dataset is gone. */
export function shownRunTemplate(store: Store, runId: number): string | null {
  const run = store.runs.get(runId)
  if (!run) return null
  if (run.datasetId !== null && store.datasets.get(run.datasetId)?.format === 'text') return null
  return runTemplate(store, runId)?.name ?? (run.config as RunConfigValues).template
}
