// The imports in progress in this process, so closing the app (quit, Ctrl+C in `serve` or
// `import-dataset`) can cancel them and wait until each has removed its spool file and its
// unfinished dataset before the database closes.
import { ServiceError } from '../../shared/errors'

interface Running {
  controller: AbortController
  done: Promise<unknown>
}

export class ImportControl {
  private readonly running = new Set<Running>()
  private closing = false

  /** Runs one import with a signal that `cancelAll` aborts. */
  run<T>(importer: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.closing) {
      return Promise.reject(
        new ServiceError('cancelled', 'LoRA Studio is closing; import again after it restarts.')
      )
    }
    const controller = new AbortController()
    const done = importer(controller.signal)
    const entry: Running = { controller, done }
    this.running.add(entry)
    return done.finally(() => this.running.delete(entry))
  }

  /** Cancels every import (and refuses new ones); resolves once all have cleaned up. */
  async cancelAll(): Promise<void> {
    this.closing = true
    const all = [...this.running]
    for (const r of all) r.controller.abort()
    await Promise.allSettled(all.map((r) => r.done))
  }
}
