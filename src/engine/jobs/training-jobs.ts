// The engine's training jobs: `train` (one run, streaming trainProgress), `trainControl` (pause,
// resume or stop the run being trained here), `estimateRun` (PEFT's parameter line and the memory
// estimate before a run starts), `wasmFits` (which models the run fits on wasm), `dryRun` (two timed steps) and `exportAdapter` (a PEFT folder or a merged HF model).
import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { freemem } from 'node:os'
import { join } from 'node:path'
import { engineBackend } from '../backend'
import { EXPORT_FILES, checkExportTarget, writeExportFolder } from '../files/export-folder'
import { loadDecoderFolder, type DecoderConfig } from '../formats/decoder-folder'
import { readDecoderConfig } from '../formats/model-folder-info'
import { familyPreset, targetsFitFamily } from '../../shared/model-family'
import type { RunConfigValues } from '../../shared/runs'
import type { BackendName } from '../../shared/system'
import { wasmFit } from '../training/wasm-fit'
import { decoderDims } from '../model/decoder-model'
import type { JobHandler } from '../job-registry'
import { writeMergedModel } from '../training/merged-export'
import { estimateRun as estimate, workerCopyBytes, type EstimateOptions } from '../training/memory-estimate'
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

/** The estimate's options for `config` on the model of `shape`, with the workers the run would choose. */
function estimateOptions(
  shape: DecoderConfig,
  config: RunConfigValues,
  backend: BackendName
): EstimateOptions {
  const base = {
    batchSize: config.batchSize,
    seqLength: Math.min(config.maxLength, decoderDims(shape).maxPositions),
    lora: config.lora,
    logitsChunkTokens: 256,
    gradientCheckpointing: config.gradientCheckpointing,
    backend,
    // The run trains in this process: what it holds now is the estimate's runtime part.
    runtimeBytes: process.memoryUsage().rss
  }
  // As the run will choose them (the data's row count is not known here: a step's rows at most).
  const workers = resolveWorkerCount({
    requested: config.workers,
    backend,
    rowsPerStep: config.batchSize * config.gradientAccumulation,
    bytesPerWorker: workerCopyBytes(shape, base, config.batchSize),
    freeBytes: freemem()
  }).count
  return { ...base, workers }
}

export const estimateRun: JobHandler<'estimateRun'> = async ({ baseModel, config }) => {
  const shape = await readDecoderConfig(baseModel)
  const backend = await engineBackend()
  const options = estimateOptions(shape, config, backend.name)
  // On a GPU backend the estimate is GPU memory, checked against the adapter's limits.
  const result = withGpuFit(estimate(shape, options), shape, options, backend.adapter)
  return backend.name === 'wasm' ? { ...result, wasm: wasmFit(shape, options) } : result
}

/**
 * The Train form's list on wasm: the same run on every registered model, each with LoRA on its own
 * family's modules when the config's targets name none of them (as the form does when it is chosen).
 */
export const wasmFits: JobHandler<'wasmFits'> = async ({ baseModels, config }) => {
  const backend = await engineBackend()
  if (backend.name !== 'wasm') return null
  return Promise.all(
    baseModels.map(async (dir) => {
      const shape = await readDecoderConfig(dir).catch(() => null)
      if (!shape) return null
      const preset = familyPreset(shape.modelType)
      const lora = targetsFitFamily(config.lora.targetModules, shape.modelType)
        ? config.lora
        : { ...config.lora, targetModules: preset.targetModules, r: preset.rank, alpha: preset.alpha }
      return wasmFit(shape, estimateOptions(shape, { ...config, lora }, backend.name))
    })
  )
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
    const base = await loadDecoderFolder(baseModel)
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
