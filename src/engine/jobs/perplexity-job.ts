// The `perplexity` job: loads a base model once, then scores it with each adapter in turn (null: the
// base model) on the same sliding windows of the samples file, reporting progress per batch. Nothing
// stays loaded afterwards: evaluation is occasional, and chat keeps its own model.
import type { PerplexityFigures } from '../../shared/evaluation'
import { ServiceError } from '../../shared/errors'
import { engineBackend } from '../backend'
import { defaultBatchSize, scoreWindows } from '../evaluation/perplexity'
import { slidingWindows, windowSettings } from '../evaluation/sliding-windows'
import { loadDecoderFolder } from '../formats/decoder-folder'
import { Rng } from '../generation/rng'
import { createDecoderModel } from '../model/create-decoder'
import { decoderDims } from '../model/decoder-model'
import { LoraAdapter } from '../model/lora'
import type { JobHandler } from '../job-registry'
import { toLoraConfig } from '../training/lora-settings'
import { readPeftAdapter } from '../training/peft-adapter'
import { readTokenizedJsonl } from '../training/training-data'

export const perplexity: JobHandler<'perplexity'> = async (input, { signal, emit }) => {
  const started = performance.now()
  await engineBackend()
  const checkpoint = await loadDecoderFolder(input.modelPath)
  signal.throwIfAborted()
  const config = checkpoint.config
  const dims = decoderDims(config)
  let settings
  try {
    settings = windowSettings(input.maxLength, input.stride, dims.maxPositions)
  } catch (err) {
    if (!(err instanceof RangeError)) throw err
    const field = /^stride/.test(err.message) ? 'stride' : 'maxLength'
    throw new ServiceError('invalid_input', `${field}: ${err.message}`, [
      { path: field, message: err.message }
    ])
  }
  const samples = await readTokenizedJsonl(input.samplesFile, dims.vocabSize)
  const windows = samples.flatMap((s) => slidingWindows(s, settings))
  const model = createDecoderModel(config, checkpoint.weights)
  checkpoint.weights.clear()
  const results: PerplexityFigures[] = []
  try {
    for (const [target, adapterPath] of input.adapterPaths.entries()) {
      let adapter: LoraAdapter | null = null
      if (adapterPath !== null) {
        const peft = await readPeftAdapter(adapterPath, config)
        adapter = LoraAdapter.create(config, toLoraConfig(peft.settings), new Rng(0), peft.modules)
      }
      model.lora = adapter
      const progress = (windowsDone: number) =>
        emit('perplexityProgress', {
          target,
          targets: input.adapterPaths.length,
          windowsDone,
          windowsTotal: windows.length
        })
      try {
        progress(0)
        results.push(
          await scoreWindows(model, windows, {
            batchSize: input.batchSize ?? defaultBatchSize(settings.maxLength),
            signal,
            onProgress: progress
          })
        )
      } finally {
        model.lora = null
        adapter?.dispose()
      }
    }
  } finally {
    model.dispose()
  }
  if (results.some((r) => r.tokens === 0)) {
    throw new ServiceError(
      'invalid_input',
      'nothing to score: no token is predicted (a text needs at least 2 tokens, and a sample at least one unmasked label after its first token)'
    )
  }
  return {
    results,
    maxLength: settings.maxLength,
    stride: settings.stride,
    texts: samples.length,
    windows: windows.length,
    elapsedMs: performance.now() - started
  }
}
