// A run's training data, frozen into its own folder when it is created (runs/<id>/data/): the
// tokenized JSONL the engine reads. Resuming reads the same bytes even if the source file or the
// dataset changed since, which is what makes an exact resume possible.
import { createWriteStream, existsSync } from 'node:fs'
import { copyFile, mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { ServiceError } from '../../shared/errors'
import type { RunConfigValues } from '../../shared/runs'

export interface TokenSample {
  inputIds: ArrayLike<number>
  labels: ArrayLike<number>
}

/**
 * Tokenized train/validation samples of a stored dataset, formatted with its own template and tokenized
 * with the run's base model's tokenizer (`baseModel` is its folder); made while they are written, so a
 * large dataset is never held in memory whole.
 */
export type DatasetSamples = (
  datasetId: number,
  baseModel: string
) => Promise<{ train: Iterable<TokenSample>; validation: Iterable<TokenSample> }>

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

/**
 * Longest stretch of tokenizing between yields to the event loop, so main stays responsive: a count
 * of samples would not do, since one sample may take microseconds (warm BPE cache) or milliseconds.
 */
const SLICE_MS = 4

/**
 * Streams token samples into `path` as JSONL (temp name, then rename), yielding to the event loop as it
 * goes; returns how many. Writes no file for none. The perplexity samples of a dataset are written so too.
 */
export async function writeSamplesJsonl(path: string, samples: Iterable<TokenSample>): Promise<number> {
  const tmp = `${path}.tmp-${process.pid}`
  const out = createWriteStream(tmp)
  let count = 0
  let sliceStart = performance.now()
  try {
    for (const s of samples) {
      const line = JSON.stringify({ input_ids: Array.from(s.inputIds), labels: Array.from(s.labels) }) + '\n'
      count++
      if (!out.write(line)) await once(out, 'drain')
      if (performance.now() - sliceStart >= SLICE_MS) {
        await yieldToEventLoop()
        sliceStart = performance.now()
      }
    }
    out.end()
    await finished(out)
  } catch (err) {
    out.destroy()
    await rm(tmp, { force: true })
    throw err
  }
  if (count === 0) await rm(tmp, { force: true })
  else await rename(tmp, path)
  return count
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
    return datasetSamples(id, config.baseModel)
  }
  let ownValidation: Iterable<TokenSample> | null = null
  const train = join(runDir, 'data', 'train.jsonl')
  if (config.data.kind === 'file') {
    requireFile(config.data.path, 'config.data.path')
    await copyAtomically(config.data.path, train)
  } else {
    const samples = await needSamples(config.data.id)
    if ((await writeSamplesJsonl(train, samples.train)) === 0) {
      throw new ServiceError(
        'invalid_input',
        `Dataset ${config.data.id} has no training records; import data into it first`
      )
    }
    if (config.validation.kind === 'none') ownValidation = samples.validation
  }
  const validationFile = runDataFiles(runDir, true).validationFile as string
  let hasValidation = false
  if (config.validation.kind === 'file') {
    requireFile(config.validation.path, 'config.validation.path')
    await copyAtomically(config.validation.path, validationFile)
    hasValidation = true
  } else if (config.validation.kind === 'dataset') {
    hasValidation =
      (await writeSamplesJsonl(validationFile, (await needSamples(config.validation.id)).train)) > 0
  } else if (ownValidation) {
    hasValidation = (await writeSamplesJsonl(validationFile, ownValidation)) > 0
  }
  return runDataFiles(runDir, hasValidation)
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

/**
 * An error about a run's data files worded with what the user gave instead: a dry run's files are
 * copies in a scratch folder the user never sees (and which is deleted at once), so a message naming
 * them names the source file, or the dataset the samples were tokenized from.
 */
export function namingSources(
  err: unknown,
  files: RunDataFiles,
  config: RunConfigValues,
  datasetName: (id: number) => string
): unknown {
  if (!(err instanceof ServiceError)) return err
  const dataset = (id: number) => `dataset "${datasetName(id)}"`
  const train = config.data.kind === 'file' ? config.data.path : dataset(config.data.id)
  const v = config.validation
  const validation =
    v.kind === 'file' ? v.path : v.kind === 'dataset' ? dataset(v.id) : `the validation records of ${train}`
  let message = err.message.split(files.trainFile).join(train)
  if (files.validationFile) message = message.split(files.validationFile).join(validation)
  return message === err.message ? err : new ServiceError(err.code, message, err.issues)
}
