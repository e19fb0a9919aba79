// The queues store's bookkeeping without the API, so it can be tested on its own: a queue that a
// queue.progress event or an action returned replaces its older copy (or comes first, newest first),
// and the Train form's ordered datasets move one place at a time.
import type { RunQueue } from '../../shared/queues'

/** `list` with `queue` in place of its older copy, or first when it is new. */
export function withQueue(list: readonly RunQueue[], queue: RunQueue): RunQueue[] {
  return list.some((q) => q.id === queue.id)
    ? list.map((q) => (q.id === queue.id ? queue : q))
    : [queue, ...list]
}

/** `ids` with the one at `from` moved one place up (-1) or down (+1); unchanged at either end. */
export function movedOnePlace(ids: readonly number[], from: number, by: -1 | 1): number[] {
  const to = from + by
  const out = [...ids]
  if (from < 0 || from >= ids.length || to < 0 || to >= ids.length) return out
  ;[out[from], out[to]] = [out[to], out[from]]
  return out
}
