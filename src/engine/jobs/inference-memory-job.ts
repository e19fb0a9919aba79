// `estimateInference`: what chatting with a model takes in this engine, on its backend (GPU memory on
// a GPU backend, the process's memory on a CPU one), for Chat and Models where a model is chosen. The
// arithmetic is memory-estimate.ts's, the same parts as the Train page's estimate.
import { engineBackend } from '../backend'
import { inspectHfModelFolder } from '../formats/hf-model-folder'
import type { JobHandler } from '../job-registry'
import { estimateInferenceMemory } from '../training/memory-estimate'

export const estimateInference: JobHandler<'estimateInference'> = async ({ baseModel }) => {
  const info = await inspectHfModelFolder(baseModel)
  const backend = await engineBackend()
  const memory = estimateInferenceMemory(info.config, {
    backend: backend.name,
    runtimeBytes: process.memoryUsage().rss
  })
  return { memory, context: info.config.nPositions, backend: backend.name }
}
