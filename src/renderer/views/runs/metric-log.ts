// The metrics of one run as the page keeps them: loaded once, then extended by run.progress events.
// A resumed run rewinds to its checkpoint, so an earlier step replaces everything from that step on.
import type { RunMetric } from '../../../shared/runs'

function mergeFields(older: RunMetric, newer: RunMetric): RunMetric {
  const merged = { ...older }
  for (const key of Object.keys(newer) as (keyof RunMetric)[]) {
    const value = newer[key]
    if (value !== null) (merged[key] as number | null) = value
  }
  return merged
}

/** Returns the log with `metric` added: appended, merged into the same step, or rewinding later steps. */
export function addMetric(log: readonly RunMetric[], metric: RunMetric): RunMetric[] {
  const last = log.at(-1)
  if (!last || metric.step > last.step) return [...log, metric]
  if (metric.step === last.step) return [...log.slice(0, -1), mergeFields(last, metric)]
  const kept = log.filter((m) => m.step < metric.step)
  return [...kept, metric]
}

/** The lowest evaluation loss of the log, or null before the first evaluation. */
export function bestEvalLoss(log: readonly RunMetric[]): number | null {
  let best: number | null = null
  for (const m of log) if (m.evalLoss !== null && (best === null || m.evalLoss < best)) best = m.evalLoss
  return best
}

/** `[step, value]` pairs of one field, skipping steps where it was not measured. */
export function seriesOf(log: readonly RunMetric[], field: keyof RunMetric): [number, number][] {
  const points: [number, number][] = []
  for (const m of log) {
    const value = m[field]
    if (value !== null) points.push([m.step, value])
  }
  return points
}

/** The newest metric that carries a training step (not an evaluation alone). */
export function lastTrainMetric(log: readonly RunMetric[]): RunMetric | null {
  for (let i = log.length - 1; i >= 0; i--) if (log[i].trainLoss !== null) return log[i]
  return null
}
