// Long database work (writing an import's records, deleting a large dataset's) done in short
// transactions of a few milliseconds each, yielding to the event loop between them, so main keeps
// answering the UI and the socket while it runs; the caller makes the result visible atomically.
import type { SqliteDatabase } from './database'

/** Each transaction's budget: well under the 50 ms a UI frame or socket reply may wait. */
export const SLICE_MS = 12

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * Calls `step` until it returns false, inside transactions of about `SLICE_MS` each, with a turn of
 * the event loop between them; `signal` is checked before each slice.
 */
export async function inTimeSlices(
  db: SqliteDatabase,
  step: () => boolean,
  signal?: AbortSignal
): Promise<void> {
  const slice = db.transaction((): boolean => {
    const until = performance.now() + SLICE_MS
    let more = step()
    while (more && performance.now() < until) more = step()
    return more
  })
  for (;;) {
    signal?.throwIfAborted()
    if (!slice()) return
    await yieldToEventLoop()
  }
}
