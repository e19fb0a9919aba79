// What the `perplexity` job scores, written as tokenized JSONL for the engine: a text file as one text
// (tokenized with the model's own tokenizer, no special tokens added, as HF's guide does), a tokenized
// `.jsonl` file as it is (the ids and labels `train --data` takes), or a dataset's validation split as
// the samples training feeds the model (its template, masks, truncation and packing).
import { existsSync, statSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, extname, join } from 'node:path'
import type { PerplexitySourceInput } from '../../shared/evaluation'
import { ServiceError } from '../../shared/errors'
import { hasTokenizerFiles } from '../../engine/formats/hf-model-folder'
import { BpeTokenizer } from '../../engine/tokenizer/bpe-tokenizer'
import type { Tokenizer } from '../../shared/tokenizer'
import { modelFolderTokenizer } from '../datasets/tokenizer-source'
import { streamTrainingSamples } from '../datasets/training-samples'
import { writeSamplesJsonl } from '../runs/run-data'
import type { Store } from '../store/store'

export interface PreparedSamples {
  file: string
  /** The file's name, or the dataset's name (its validation split is what is scored). */
  label: string
  /** Removes what was written (never the user's own file). */
  dispose(): Promise<void>
}

function invalid(path: string, message: string): ServiceError {
  return new ServiceError('invalid_input', message, [{ path, message }])
}

async function scratch(): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'lora-studio-perplexity-'))
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) }
}

/** The ids of `text` with the model's tokenizer; the model folder must have its tokenizer files. */
export async function modelTokenizer(modelPath: string): Promise<Tokenizer> {
  if (!hasTokenizerFiles(modelPath)) {
    throw new ServiceError(
      'invalid_input',
      `${modelPath} has no tokenizer files (tokenizer.json, or vocab.json + merges.txt), so text cannot be turned into tokens; copy them from the model this one was made from`
    )
  }
  return BpeTokenizer.fromFolder(modelPath)
}

async function fromFile(path: string, modelPath: string): Promise<PreparedSamples> {
  const field = 'source.path'
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw invalid(field, `${path} does not exist; give a .txt or .md file (or tokenized .jsonl)`)
  }
  if (extname(path).toLowerCase() === '.jsonl') {
    return { file: path, label: basename(path), dispose: async () => undefined }
  }
  const text = await readFile(path, 'utf8')
  if (text.trim() === '') throw invalid(field, `${path} is empty; give a file with some text`)
  const ids = (await modelTokenizer(modelPath)).encode(text)
  const out = await scratch()
  const file = join(out.dir, 'text.jsonl')
  await writeFile(file, JSON.stringify({ input_ids: ids }) + '\n')
  return { file, label: basename(path), dispose: out.dispose }
}

async function fromDataset(store: Store, id: number, modelPath: string): Promise<PreparedSamples> {
  const dataset = store.datasets.get(id)
  if (!dataset) {
    throw new ServiceError(
      'not_found',
      `source.id: dataset ${id} does not exist; choose one of your datasets`,
      [{ path: 'source.id', message: 'no such dataset' }]
    )
  }
  if (dataset.validationCount === 0) {
    throw invalid(
      'source.id',
      `dataset "${dataset.name}" has no validation split; import it again with a validation share, or evaluate on a text file`
    )
  }
  // As a run on this model makes them: its own tokenizer and template (GPT-2's for a GPT-2 model).
  const samples = streamTrainingSamples(store.db, id, await modelFolderTokenizer(modelPath)).validation
  const out = await scratch()
  const file = join(out.dir, 'validation.jsonl')
  try {
    await writeSamplesJsonl(file, samples)
  } catch (err) {
    await out.dispose()
    throw err
  }
  return { file, label: dataset.name, dispose: out.dispose }
}

export function preparePerplexitySamples(
  store: Store,
  source: PerplexitySourceInput,
  modelPath: string
): Promise<PreparedSamples> {
  return source.kind === 'file' ? fromFile(source.path, modelPath) : fromDataset(store, source.id, modelPath)
}
