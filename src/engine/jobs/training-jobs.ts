// The engine's training jobs: `train` (one run, streaming trainProgress), `trainControl` (pause,
// resume or stop the run being trained here), `estimateRun` (PEFT's parameter line and the memory
// estimate before a run starts), `dryRun` (two timed steps) and `exportAdapter` (a PEFT folder or a merged HF model).
import { cp } from 'node:fs/promises'
import { engineBackend } from '../backend'
import { inspectHfModelFolder, loadHfModelFolder } from '../formats/hf-model-folder'
import type { JobHandler } from '../job-registry'
import { writeMergedModel } from '../training/merged-export'
import { estimateRun as estimate } from '../training/memory-estimate'
import { withGpuFit } from '../training/gpu-fit'
import { readPeftAdapter, writeFolderAtomically } from '../training/peft-adapter'
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
  const info = await inspectHfModelFolder(baseModel)
  const options = {
    batchSize: config.batchSize,
    seqLength: Math.min(config.maxLength, info.config.nPositions),
    lora: config.lora,
    logitsChunkTokens: 256,
    gradientCheckpointing: config.gradientCheckpointing
  }
  // On a GPU backend the estimate is GPU memory, checked against the adapter's limits.
  return withGpuFit(estimate(info.config, options), info.config, options, (await engineBackend()).adapter)
}

export const exportAdapter: JobHandler<'exportAdapter'> = async ({
  baseModel,
  adapterDir,
  format,
  outDir
}) => {
  const base = await loadHfModelFolder(baseModel)
  const adapter = await readPeftAdapter(adapterDir, base.config)
  if (format === 'merged') await writeMergedModel(outDir, base, adapter)
  else await writeFolderAtomically(outDir, (tmp) => cp(adapterDir, tmp, { recursive: true }))
  return { outDir }
}

export const dryRun: JobHandler<'dryRun'> = (input) => measureRun(input)
