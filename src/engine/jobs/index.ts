// Every job the engine can run, by name. To add one: declare it in EngineJobs
// (src/shared/engine-protocol.ts), write its handler in a file here, and list it below.
import type { JobHandlers } from '../job-registry'
import { generate } from './generate-job'
import { estimateInference } from './inference-memory-job'
import { perplexity } from './perplexity-job'
import { ping, sleep, systemInfo } from './system-jobs'
import { dryRun, estimateRun, exportAdapter, train, trainControl, wasmFits } from './training-jobs'

export const jobHandlers: JobHandlers = {
  ping,
  systemInfo,
  sleep,
  train,
  trainControl,
  estimateRun,
  wasmFits,
  estimateInference,
  dryRun,
  exportAdapter,
  generate,
  perplexity
}
