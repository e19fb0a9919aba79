// The engine's training jobs: `train` (one run, streaming trainProgress), `trainControl` (pause,
// resume or stop the run being trained here), `estimateRun` (PEFT's parameter line and the memory
// estimate before a run starts), `dryRun` (two timed steps) and `exportAdapter` (a PEFT folder or a merged HF model).
import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { freemem } from 'node:os'
import { join } from 'node:path'
import { engineBackend } from '../backend'
import { EXPORT_FILES, checkExportTarget, writeExportFolder } from '../files/export-folder'
import { loadHfModelFolder } from '../formats/hf-model-folder'
import { readDecoderConfig } from '../formats/model-folder-info'
import { wasmFit } from '../training/wasm-fit'
import { decoderDims } from '../model/decoder-model'
import type { JobHandler } from '../job-registry'
import { writeMergedModel } from '../training/merged-export'
import { estimateRun as estimate, workerCopyBytes } from '../training/memory-estimate'
import { resolveWorkerCount } from '../training/gradient-workers'
import { withGpuFit } from '../training/gpu-fit'
import { readPeftAdapter } from '../training/peft-adapter'
import { activeTrainer, measureRun, runTraining } from '../training/train-run'

export const train: JobHandler<'train'> = (input, { signal, emit }) =>
  runTraining(input, (progress) => emit('trainProgress', progress), signal)

export const trainControl: JobHandler<'trainControl'> = async ({ runId, action }) => {
  const trainer = activeTrainer(runId)
  if (!trainer) return { accepted: false }
  const accepted =
    action === 'pause' ? trainer.pause() : action === 'resume' ? trainer.resume() : trainer.stop()
  return { accepted }
}

export const estimateRun: JobHandler<'estimateRun'> = async ({ baseModel, config }) => {
  const shape = await readDecoderConfig(baseModel)
  const backend = await engineBackend()
  const base = {
    batchSize: config.batchSize,
    seqLength: Math.min(config.maxLength, decoderDims(shape).maxPositions),
    lora: config.lora,
    logitsChunkTokens: 256,
    gradientCheckpointing: config.gradientCheckpointing,
    backend: backend.name,
    // The run trains in this process: what it holds now is the estimate's runtime part.
    runtimeBytes: process.memoryUsage().rss
  }
  // As the run will choose them (the data's row count is not known here: a step's rows at most).
  const workers = resolveWorkerCount({
    requested: config.workers,
    backend: backend.name,
    rowsPerStep: config.batchSize * config.gradientAccumulation,
    bytesPerWorker: workerCopyBytes(shape, base, config.batchSize),
    freeBytes: freemem()
  }).count
  const options = { ...base, workers }
  // On a GPU backend the estimate is GPU memory, checked against the adapter's limits.
  const result = withGpuFit(estimate(shape, options), shape, options, backend.adapter)
  return backend.name === 'wasm' ? { ...result, wasm: wasmFit(shape, options) } : result
}

const [ADAPTER_CONFIG, ADAPTER_WEIGHTS] = EXPORT_FILES.peft

/**
 * The run's adapter_config.json naming the base as PEFT would for someone else's machine: the Hub id
 * of a Hub model (`gpt2`), not this machine's copy of it; a local model keeps its folder.
 */
async function exportedAdapterConfig(adapterDir: string, baseModelName: string): Promise<string> {
  const config = JSON.parse(await readFile(join(adapterDir, ADAPTER_CONFIG), 'utf8')) as Record<
    string,
    unknown
  >
  return JSON.stringify({ ...config, base_model_name_or_path: baseModelName }, null, 2)
}

export const exportAdapter: JobHandler<'exportAdapter'> = async (
  { baseModel, adapterDir, format, outDir, overwrite, dataDir, baseModelName, about },
  { signal }
) => {
  const target = { overwrite, dataDir }
  // Before minutes of loading: a folder that cannot take the export is refused at once.
  await checkExportTarget(outDir, target)
  const config = await readDecoderConfig(baseModel)
  // The adapter is checked against the base's shape (header only) before anything is written.
  const adapter = await readPeftAdapter(adapterDir, config)
  signal.throwIfAborted()
  if (format === 'merged') {
    if (config.modelType !== 'gpt2') {
      throw new Error(
        `merged export is available for GPT-2 models only, ${baseModel} is a ${config.modelType} model; export the PEFT adapter instead`
      )
    }
    const base = await loadHfModelFolder(baseModel)
    signal.throwIfAborted()
    await writeMergedModel(outDir, base, adapter, target)
  } else {
    await writeExportFolder(
      outDir,
      'peft',
      target,
      async (tmp) => {
        await copyFile(join(adapterDir, ADAPTER_WEIGHTS), join(tmp, ADAPTER_WEIGHTS))
        await writeFile(join(tmp, ADAPTER_CONFIG), await exportedAdapterConfig(adapterDir, baseModelName))
        signal.throwIfAborted()
      },
      about
    )
  }
  return { outDir }
}

export const dryRun: JobHandler<'dryRun'> = (input, { signal }) => measureRun(input, signal)
