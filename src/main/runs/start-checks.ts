// What runs.start checks before a run row exists, so bad input is refused at the door with the field
// named (the Train form shows it at the field, the CLI prints it and exits 1) instead of a foreign-key
// error or a run that fails seconds later: the datasets exist, the base model's config and weights
// header are readable, max length fits the model's context, the named files and adapter are there.
import { existsSync, statSync } from 'node:fs'
import { ServiceError, type FieldIssue } from '../../shared/errors'
import type { RunConfigValues } from '../../shared/runs'
import { inspectModelFolder, type AnyModelFolderInfo } from '../../engine/formats/model-folder-info'
import type { DatasetsRepository } from '../store/datasets-repository'
import { englishLabel } from '../../shared/issue-words'

function datasetIssue(datasets: DatasetsRepository, id: number, path: string): FieldIssue | null {
  if (datasets.get(id)) return null
  return {
    path,
    message: `dataset ${id} does not exist; choose one of your datasets (lora-studio datasets lists them)`
  }
}

function fileIssue(file: string, path: string): FieldIssue | null {
  if (existsSync(file) && statSync(file).isFile()) return null
  return { path, message: `${file} does not exist; give a tokenized JSONL file` }
}

/** The model folder's description, or the issue that makes it unusable. */
async function inspectModel(dir: string): Promise<AnyModelFolderInfo | FieldIssue> {
  const path = 'config.baseModel'
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return {
      path,
      message: `there is no model folder ${dir}; choose one of your models (lora-studio models lists them)`
    }
  }
  try {
    const info = await inspectModelFolder(dir)
    return info.problem ? { path, message: `the model cannot be loaded: ${info.problem}` } : info
  } catch (err) {
    return {
      path,
      message: `the model cannot be loaded: ${err instanceof Error ? err.message : String(err)}`
    }
  }
}

/** Throws ServiceError('invalid_input') listing every field that would make the run fail to start. */
export async function checkStartInputs(config: RunConfigValues, datasets: DatasetsRepository): Promise<void> {
  const issues: (FieldIssue | null)[] = []
  issues.push(
    config.data.kind === 'dataset'
      ? datasetIssue(datasets, config.data.id, 'config.data.id')
      : fileIssue(config.data.path, 'config.data.path')
  )
  if (config.validation.kind === 'dataset')
    issues.push(datasetIssue(datasets, config.validation.id, 'config.validation.id'))
  if (config.validation.kind === 'file')
    issues.push(fileIssue(config.validation.path, 'config.validation.path'))
  if (config.initAdapter !== null && !existsSync(config.initAdapter)) {
    issues.push({ path: 'config.initAdapter', message: `there is no adapter folder ${config.initAdapter}` })
  }
  const model = await inspectModel(config.baseModel)
  if ('path' in model && 'message' in model) issues.push(model)
  else if (config.maxLength > model.contextLength) {
    const field = model.family === 'gpt2' ? 'n_positions' : 'max_position_embeddings'
    issues.push({
      path: 'config.maxLength',
      message: `${config.maxLength} is longer than the model's context (${field} ${model.contextLength}); set it to ${model.contextLength} or less`
    })
  }
  const found = issues.filter((i): i is FieldIssue => i !== null)
  if (found.length) {
    throw new ServiceError(
      'invalid_input',
      `Cannot start the run: ${found.map((i) => `${englishLabel(i.path)}: ${i.message}`).join('; ')}.`,
      found
    )
  }
}
