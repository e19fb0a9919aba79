// How long each engine job may take before main gives up on it: the caller gets a clear error, the
// engine is asked to cancel, and one that does not stop is restarted so the next job runs. Generous on
// purpose (wasm on a slow machine, gpt2-medium): a limit catches a hung job, it does not hurry a slow
// one. `train` has none: a run is long-lived and stopped through trainControl and its own signal.
import type { EngineJobName, EngineJobs } from '../../shared/engine-protocol'

const second = 1000
const minute = 60 * second

/** Milliseconds `job` may run, counted from when it is sent; null for no limit. */
export function jobTimeLimitMs<J extends EngineJobName>(
  job: J,
  input: EngineJobs[J]['input']
): number | null {
  switch (job) {
    case 'train':
      return null
    case 'sleep':
      return (input as EngineJobs['sleep']['input']).ms + 30 * second
    case 'ping':
    case 'trainControl':
      return 30 * second
    case 'systemInfo':
    case 'estimateRun':
      // Both may start the tfjs backend or read a large model's header first.
      return 2 * minute
    case 'dryRun':
      // Loads the model and tokenizes the data, then two real steps.
      return 20 * minute
    case 'exportAdapter':
      // The tiny model exports in well under a second; gpt2-medium merged reads and writes ~1.4 GB.
      return 30 * minute
    case 'generate':
      // Waits for earlier answers (one at a time), loads the model, then up to maxNewTokens steps.
      return 30 * minute
    default:
      return 10 * minute
  }
}

/** How long a cancelled job has to answer before its engine is restarted. */
export const CANCEL_GRACE_MS = 10 * second

export function formatDuration(ms: number): string {
  if (ms >= minute && ms % minute === 0) return `${ms / minute} min`
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`
}
