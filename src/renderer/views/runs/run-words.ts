// What the service says about a run, in the person's language: it sends English (the CLI's words)
// together with the facts, and these word the facts — the progress line (runs.progressLine.*) and
// the memory breakdown's details (train.estimate.details.*).
import type { MemoryComponent, RunNote, WorkersWhy } from '../../../shared/runs'
import { formatBytes } from '../../format'
import { globalT, type Translate } from '../../i18n/issue-text'

export function runNoteText(note: RunNote, t: Translate = globalT): string {
  switch (note.kind) {
    case 'started':
      return t(
        note.validationSamples ? 'runs.progressLine.startedWithEvaluation' : 'runs.progressLine.started',
        { ...note, workersWhy: workersWhyText(note.workers, note.workersWhy, t) }
      )
    case 'resuming':
      return t('runs.progressLine.resuming', { step: note.step })
    case 'restarting':
      return t('runs.progressLine.restarting')
  }
}

/** Why the run has that many workers; the same facts main words in English for the CLI. */
function workersWhyText(workers: number, w: WorkersWhy, t: Translate): string {
  const key = w.why === 'threads-itself' ? 'threadsItself' : w.why
  return t(`runs.progressLine.workersWhy.${key}`, {
    workers: t('runs.progressLine.workerCount', { n: workers }),
    asked: w.asked === null ? '' : t('runs.progressLine.workersAsked', { n: w.asked }),
    backend: w.backend
  })
}

/** A memory component's detail from its facts (sizes as sizes); estimates stored before facts have only English. */
export function memoryDetail(part: MemoryComponent, t: Translate, locale: string): string {
  if (!part.facts) return part.detail
  const values = Object.fromEntries(
    Object.entries(part.facts.values).map(([name, value]) => [
      name,
      name.endsWith('Bytes') ? formatBytes(value, locale) : value.toLocaleString(locale)
    ])
  )
  return t(`train.estimate.details.${part.facts.key}`, values)
}
