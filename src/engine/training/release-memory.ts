// A full garbage collection on demand, for the moments a large buffer has just lost its last use: the
// frozen weights' SharedArrayBuffers once every worker has copied them into its backend. Their memory is
// freed only when every thread's handle is collected, and a thread that allocates little may not collect
// for the whole run (measured: the 474 MiB of GPT-2-small's weights stayed resident through every step).
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

let gc: (() => void) | null = null

/** Runs a full, synchronous GC of this thread's heap (Node's --expose-gc function, exposed once on demand). */
export function collectGarbageNow(): void {
  if (gc === null) {
    const exposed = (globalThis as { gc?: () => void }).gc
    if (exposed !== undefined) gc = exposed
    else {
      setFlagsFromString('--expose-gc')
      gc = runInNewContext('gc') as () => void
    }
  }
  gc()
}
