// The Train form's checked run configuration turned into a run queue's start input (the datasets of
// "several datasets in sequence", in order), or the reason it cannot be one, in the person's words.
import type { InputOf } from '../../../shared/contract'
import type { RunConfigValues } from '../../../shared/runs'

export type QueueStartProblem = 'needTwo' | 'adapterNotRun'

/**
 * The queue's input: the first run gets the form's settings (continuing `parentRunId`'s adapter when
 * the form starts from a run's adapter, or `continueFromStep`'s checkpoint of it); each later run continues the previous one.
 */
export function queueStartInput(
  config: RunConfigValues,
  datasetIds: readonly number[],
  name: string,
  continuing: { continueFrom?: number; continueFromStep?: number }
): InputOf<'queues', 'start'> | { problem: QueueStartProblem } {
  if (datasetIds.length < 2) return { problem: 'needTwo' }
  const { data: _data, initAdapter, ...settings } = config
  // A queue continues runs, not loose adapter folders: the first run's adapter must be a run's.
  if (initAdapter !== null && continuing.continueFrom === undefined) return { problem: 'adapterNotRun' }
  return {
    ...(name ? { name } : {}),
    ...continuing,
    items: datasetIds.map((id) => ({ kind: 'dataset' as const, id })),
    config: settings
  }
}
