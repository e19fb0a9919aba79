// What the Chat page's target slots mean, without the API: the form's choice and the API input made
// from it, which choices can be checked, Compare's default second slot, the base model an adapter's
// check points to, and how panes and errors end when an answer fails. Kept apart from the store so
// its rules are tested without a transport.
import type { AdapterRefInput, ChatDetail, TargetCheck } from '../../shared/chat'
import type { ModelSummary } from '../../shared/models'
import type { RunSummary } from '../../shared/runs'

/** One thing that answers, as the form edits it. */
export interface TargetChoice {
  modelId: number | null
  /** 'none', 'run' (final adapter or `checkpointStep`), or 'path'. */
  adapterKind: AdapterRefInput['kind']
  runId: number | null
  /** null: the run's final adapter. */
  checkpointStep: number | null
  adapterPath: string
}

export interface CompareColumn {
  label: string
  text: string
  tokens: number
  done: boolean
  /** Why this pane has no (complete) answer. */
  error: string | null
}

export function emptyTarget(modelId: number | null = null): TargetChoice {
  return { modelId, adapterKind: 'none', runId: null, checkpointStep: null, adapterPath: '' }
}

/** The API's target from the form's choice. */
export function targetInput(choice: TargetChoice): {
  modelId?: number
  adapter: AdapterRefInput
} {
  const model = choice.modelId === null ? {} : { modelId: choice.modelId }
  if (choice.adapterKind === 'run' && choice.runId !== null) {
    const step = choice.checkpointStep === null ? {} : { checkpointStep: choice.checkpointStep }
    return { ...model, adapter: { kind: 'run', runId: choice.runId, ...step } }
  }
  if (choice.adapterKind === 'path' && choice.adapterPath.trim() !== '') {
    return { ...model, adapter: { kind: 'path', path: choice.adapterPath.trim() } }
  }
  return { ...model, adapter: { kind: 'none' } }
}

/** Whether there is anything to check yet (a run picked, a folder typed, or a model). */
export function checkable(choice: TargetChoice): boolean {
  if (choice.adapterKind === 'run') return choice.runId !== null
  if (choice.adapterKind === 'path') return choice.adapterPath.trim() !== ''
  return choice.modelId !== null
}

/** The base model to show once an adapter's check came back: the adapter's own, or the one already chosen. */
export function followedModel(choice: TargetChoice, check: TargetCheck | null): number | null {
  return choice.modelId ?? check?.target?.modelId ?? null
}

/** Compare's second slot: the first one's base without its adapter, or the latest finished run's adapter. */
export function compareDefault(
  first: TargetChoice,
  firstCheck: TargetCheck | null,
  runs: RunSummary[],
  models: ModelSummary[]
): TargetChoice {
  if (first.adapterKind !== 'none') {
    return emptyTarget(first.modelId ?? firstCheck?.target?.modelId ?? models[0]?.id ?? null)
  }
  const run = runs.find((r) => r.status === 'completed')
  if (run) return { ...emptyTarget(), adapterKind: 'run', runId: run.id }
  return emptyTarget(first.modelId ?? models[0]?.id ?? null)
}

/** Panes after a comparison failed as a whole: none keeps saying "Writing…", each says why. */
export function endedColumns(columns: CompareColumn[], message: string): CompareColumn[] {
  return columns.map((c) => ({ ...c, done: true, error: c.done ? c.error : message }))
}

/** True when the chat already shows `error` under its last answer, so it need not be said again above. */
export function shownUnderAnswer(error: string | null, chat: ChatDetail | null): boolean {
  const last = chat?.messages.at(-1)
  return error !== null && last?.role === 'assistant' && last.generation?.error === error
}
