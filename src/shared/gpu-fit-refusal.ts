// One refusal for a run that cannot fit the GPU, so that starting it (main) and training it (the engine, e.g. a
// resume on another machine) say the same thing and name the same run config field.
import { ServiceError } from './errors'
import type { RunEstimate } from './runs'

/** The error to throw when the estimate's GPU check failed, or null when it passed or there was none. */
export function gpuFitRefusal(estimate: RunEstimate): ServiceError | null {
  const problem = estimate.gpu?.problem
  if (!estimate.gpu || estimate.gpu.fits || !problem) return null
  return new ServiceError('invalid_input', problem.message, [
    { path: `config.${problem.path}`, message: problem.message }
  ])
}
