// A run's training data, frozen into its own folder when it is created (runs/<id>/data/): the
// tokenized JSONL the engine reads. Resuming reads the same bytes even if the source file or the
// dataset changed since, which is what makes an exact resume possible.
import { existsSync } from 'node:fs'
import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ServiceError } from '../../shared/errors'
import type { RunConfigValues } from '../../shared/runs'

export interface TokenSample {
  inputIds: ArrayLike<number>
  labels: ArrayLike<number>
}

/** Tokenized train/validation samples of a stored dataset, formatted with its own template. */
export type DatasetSamples = (
  datasetId: number
) => Promise<{ train: TokenSample[]; validation: TokenSample[] }>

export interface RunDataFiles {
  trainFile: string
  validationFile: string | null
}

export function runDataFiles(runDir: string, hasValidation: boolean): RunDataFiles {
  return {
    trainFile: join(runDir, 'data', 'train.jsonl'),
    validationFile: hasValidation ? join(runDir, 'data', 'validation.jsonl') : null
  }
}

async function writeJsonl(path: string, samples: readonly TokenSample[]): Promise<void> {
  const lines = samples.map((s) =>
    JSON.stringify({ input_ids: Array.from(s.inputIds), labels: Array.from(s.labels) })
  )
  const tmp = `${path}.tmp-${process.pid}`
  await writeFile(tmp, lines.join('\n') + '\n')
  await rename(tmp, path)
}

async function copyAtomically(from: string, to: string): Promise<void> {
  const tmp = `${to}.tmp-${process.pid}`
  await copyFile(from, tmp)
  await rename(tmp, to)
}

function requireFile(path: string, field: string): void {
  if (!existsSync(path)) {
    throw new ServiceError('invalid_input', `${field}: ${path} does not exist; give a tokenized JSONL file`, [
      { path: field, message: 'file not found' }
    ])
  }
}

/**
 * Writes runs/<id>/data/train.jsonl (and validation.jsonl when the config names validation data)
 * from the config's sources. A dataset's own validation split is used when the run asks for none.
 */
export async function materializeRunData(
  runDir: string,
  config: RunConfigValues,
  datasetSamples: DatasetSamples | undefined
): Promise<RunDataFiles> {
  await mkdir(join(runDir, 'data'), { recursive: true })
  const needSamples = (id: number) => {
    if (!datasetSamples)
      throw new ServiceError(
        'invalid_input',
        `Dataset ${id} cannot be read here; pass a tokenized JSONL file instead`
      )
    return datasetSamples(id)
  }
  let validation: TokenSample[] | string | null = null
  const train = join(runDir, 'data', 'train.jsonl')
  if (config.data.kind === 'file') {
    requireFile(config.data.path, 'config.data.path')
    await copyAtomically(config.data.path, train)
  } else {
    const samples = await needSamples(config.data.id)
    if (samples.train.length === 0) {
      throw new ServiceError(
        'invalid_input',
        `Dataset ${config.data.id} has no training records; import data into it first`
      )
    }
    await writeJsonl(train, samples.train)
    if (config.validation.kind === 'none' && samples.validation.length > 0) validation = samples.validation
  }
  if (config.validation.kind === 'file') {
    requireFile(config.validation.path, 'config.validation.path')
    validation = config.validation.path
  } else if (config.validation.kind === 'dataset') {
    validation = (await needSamples(config.validation.id)).train
  }
  const files = runDataFiles(runDir, validation !== null)
  if (typeof validation === 'string') await copyAtomically(validation, files.validationFile as string)
  else if (validation !== null) await writeJsonl(files.validationFile as string, validation)
  return files
}

/** The data files a run was created with (for resuming it). */
export function existingRunData(runDir: string): RunDataFiles {
  const files = runDataFiles(runDir, existsSync(join(runDir, 'data', 'validation.jsonl')))
  if (!existsSync(files.trainFile)) {
    throw new ServiceError(
      'conflict',
      `${files.trainFile} is missing, so this run cannot be resumed; start a new run`
    )
  }
  return files
}
