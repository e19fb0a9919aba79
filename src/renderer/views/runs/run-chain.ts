// A chain of continued runs (each continuing the one before) laid end to end on one step axis: each
// run's steps are shifted by where its parent stood on the axis when it was continued.
import type { RunSummary } from '../../../shared/runs'

type ChainRun = Pick<RunSummary, 'id' | 'step' | 'parentRunId' | 'parentStep'>

/** The runs in chain order (the first continues none of the others), or null when they form no single chain. */
export function chainOrder<T extends ChainRun>(runs: readonly T[]): T[] | null {
  if (runs.length < 2) return null
  const ids = new Set(runs.map((r) => r.id))
  const roots = runs.filter((r) => r.parentRunId === null || !ids.has(r.parentRunId))
  if (roots.length !== 1) return null
  const order = [roots[0]]
  while (order.length < runs.length) {
    const next = runs.filter((r) => r.parentRunId === order[order.length - 1].id)
    if (next.length !== 1) return null
    order.push(next[0])
  }
  return order
}

/**
 * Each run's offset on the chain's step axis: its parent's offset plus the parent's step at the
 * continue point (the parent's last step when that was not recorded).
 */
export function chainOffsets(order: readonly ChainRun[]): Map<number, number> {
  const offsets = new Map<number, number>()
  order.forEach((run, i) => {
    if (i === 0) offsets.set(run.id, 0)
    else {
      const parent = order[i - 1]
      offsets.set(run.id, (offsets.get(parent.id) ?? 0) + (run.parentStep ?? parent.step))
    }
  })
  return offsets
}

/** `[step, value]` points moved along the axis by `offset`. */
export function shifted(points: readonly [number, number][], offset: number): [number, number][] {
  return points.map(([step, value]) => [step + offset, value])
}
