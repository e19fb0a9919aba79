// `perplexity` against PyTorch (test/fixtures/perplexity/reference.json, made by make_reference.py from
// the gpt2-tiny fixture): HF's sliding-window loss, perplexity and token count for the base model and a
// LoRA adapter, with windows that overlap (stride < max length), that do not, and on masked samples of
// different lengths batched together; plus the window plan itself and the job's input checks.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PerplexityFigures, PerplexityProgressEvent } from '../../../src/shared/evaluation'
import { ServiceError } from '../../../src/shared/errors'
import { scoreWindows } from '../../../src/engine/evaluation/perplexity'
import { slidingWindows, windowSettings } from '../../../src/engine/evaluation/sliding-windows'
import { loadHfModelFolder } from '../../../src/engine/formats/hf-model-folder'
import { Rng } from '../../../src/engine/generation/rng'
import { perplexity } from '../../../src/engine/jobs/perplexity-job'
import { Gpt2Model } from '../../../src/engine/model/gpt2-model'
import { LoraAdapter } from '../../../src/engine/model/lora'
import { toLoraConfig } from '../../../src/engine/training/lora-settings'
import { readPeftAdapter } from '../../../src/engine/training/peft-adapter'
import type { TokenRecord } from '../../../src/engine/training/training-data'
import { requireFixture, tinyModelDir } from './fixtures-dir'
import { backendsUnderTest, useBackend } from './gpt2-reference'

const fixtureDir = resolve(import.meta.dirname, '../../fixtures/perplexity')
const adapterDir = join(fixtureDir, 'adapter')
const modelDir = join(tinyModelDir, 'model')
requireFixture(tinyModelDir)
/** The bar is 1e-3; float32 against PyTorch's float32 is far closer, and base and adapter differ by ~5e-3. */
const LOSS_TOLERANCE = 1e-4

interface Case {
  name: string
  max_length: number
  stride: number
  base: PerplexityFigures
  adapter: PerplexityFigures
}
interface Reference {
  text_ids: number[]
  samples: { input_ids: number[]; labels: number[] }[]
  cases: Case[]
}
const ref = JSON.parse(readFileSync(join(fixtureDir, 'reference.json'), 'utf8')) as Reference

function samplesOf(c: Case): TokenRecord[] {
  if (c.name.startsWith('text')) {
    const ids = Int32Array.from(ref.text_ids)
    return [{ inputIds: ids, labels: Int32Array.from(ids) }]
  }
  return ref.samples.map((s) => ({
    inputIds: Int32Array.from(s.input_ids),
    labels: Int32Array.from(s.labels)
  }))
}

function expectClose(ours: PerplexityFigures, torch: PerplexityFigures): void {
  expect(ours.tokens).toBe(torch.tokens)
  expect(Math.abs(ours.loss - torch.loss)).toBeLessThan(LOSS_TOLERANCE)
  expect(Math.abs(ours.perplexity - torch.perplexity) / torch.perplexity).toBeLessThan(LOSS_TOLERANCE)
}

describe('sliding windows (HF perplexity guide)', () => {
  const ids = Int32Array.from({ length: 10 }, (_, i) => i)

  it('scores each token once: the first window all, later ones only past the previous end', () => {
    const windows = slidingWindows(
      { inputIds: ids, labels: Int32Array.from(ids) },
      { maxLength: 6, stride: 4 }
    )
    expect(windows.map((w) => Array.from(w.inputIds))).toEqual([
      [0, 1, 2, 3, 4, 5],
      [4, 5, 6, 7, 8, 9]
    ])
    expect(windows.map((w) => Array.from(w.labels))).toEqual([
      [0, 1, 2, 3, 4, 5],
      [-100, -100, 6, 7, 8, 9]
    ])
  })

  it('keeps a sample’s own masked labels and stops at the window that reaches the end', () => {
    const labels = Int32Array.from(ids).fill(-100, 0, 3)
    const windows = slidingWindows({ inputIds: ids, labels }, { maxLength: 4, stride: 3 })
    expect(windows.map((w) => Array.from(w.labels))).toEqual([
      [-100, -100, -100, 3],
      [-100, 4, 5, 6],
      [-100, 7, 8, 9]
    ])
  })

  it('defaults to the model context and half of it, and refuses settings that skip tokens', () => {
    expect(windowSettings(null, null, 1024)).toEqual({ maxLength: 1024, stride: 512 })
    expect(() => windowSettings(2048, null, 1024)).toThrow(/max length 2048 .*n_positions 1024/)
    expect(() => windowSettings(64, 65, 128)).toThrow(/stride 65 must be from 1 to the max length \(64\)/)
  })
})

describe.each(backendsUnderTest)('perplexity parity with PyTorch on %s', (backend) => {
  let model: Gpt2Model
  let adapter: LoraAdapter

  beforeAll(async () => {
    await useBackend(backend)
    const checkpoint = await loadHfModelFolder(modelDir)
    model = Gpt2Model.fromArrays(checkpoint.config, checkpoint.weights)
    const peft = await readPeftAdapter(adapterDir, checkpoint.config)
    adapter = LoraAdapter.create(checkpoint.config, toLoraConfig(peft.settings), new Rng(0), peft.modules)
  })
  afterAll(() => {
    adapter.dispose()
    model.dispose()
  })

  for (const c of ref.cases) {
    it(`${c.name}: max length ${c.max_length}, stride ${c.stride}, base and adapter`, async () => {
      const windows = samplesOf(c).flatMap((s) =>
        slidingWindows(s, { maxLength: c.max_length, stride: c.stride })
      )
      const tensors = tf.memory().numTensors
      model.lora = null
      expectClose(await scoreWindows(model, windows, { batchSize: 3 }), c.base)
      model.lora = adapter
      expectClose(await scoreWindows(model, windows, { batchSize: 3 }), c.adapter)
      model.lora = null
      expect(tf.memory().numTensors).toBe(tensors)
    })
  }
})

describe('perplexity cancel', () => {
  it('lets a cancel that arrives as a message stop it between batches', async () => {
    await useBackend('wasm')
    const checkpoint = await loadHfModelFolder(modelDir)
    const model = Gpt2Model.fromArrays(checkpoint.config, checkpoint.weights)
    const c = ref.cases[0]
    const once = samplesOf(c).flatMap((s) => slidingWindows(s, { maxLength: c.max_length, stride: c.stride }))
    const windows = Array.from({ length: 40 }, () => once).flat()
    const controller = new AbortController()
    // A macrotask, as an IPC message from main is: it runs only if scoring yields to the event loop.
    setTimeout(() => controller.abort(), 30)
    let scored = 0
    const err = await scoreWindows(model, windows, {
      batchSize: 1,
      signal: controller.signal,
      onProgress: (done) => (scored = done)
    }).catch((e: unknown) => e)
    model.dispose()
    expect((err as Error).name).toBe('AbortError')
    expect(scored).toBeLessThan(windows.length)
  })
})

describe('the perplexity job', () => {
  const work = mkdtempSync(join(tmpdir(), 'perplexity-job-'))
  const samplesFile = join(work, 'samples.jsonl')
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  beforeAll(() => {
    process.env.LORA_STUDIO_BACKEND = 'wasm'
    writeFileSync(samplesFile, ref.samples.map((s) => JSON.stringify(s)).join('\n') + '\n')
  })

  const run = (input: Partial<Parameters<typeof perplexity>[0]>, events: PerplexityProgressEvent[] = []) =>
    perplexity(
      {
        modelPath: modelDir,
        adapterPaths: [null, adapterDir],
        samplesFile,
        maxLength: null,
        stride: null,
        batchSize: null,
        ...input
      },
      {
        id: 1,
        signal: new AbortController().signal,
        emit: (event, data) => {
          if (event === 'perplexityProgress') events.push(data as PerplexityProgressEvent)
        }
      }
    )

  it('scores the base model and the adapter on the same windows of a samples file, with progress', async () => {
    const c = ref.cases.find((x) => x.name === 'samples-sliding') as Case
    const events: PerplexityProgressEvent[] = []
    await run({ maxLength: 8, adapterPaths: [null] }) // the backend is started and its own tensors made
    const tensors = tf.memory().numTensors
    const out = await run({ maxLength: c.max_length, stride: c.stride, batchSize: 2 }, events)
    expect(tf.memory().numTensors).toBe(tensors) // model and adapters freed
    expect(out).toMatchObject({ maxLength: 64, stride: 32, texts: 4, windows: 8 })
    expectClose(out.results[0], c.base)
    expectClose(out.results[1], c.adapter)
    expect(events.at(0)).toEqual({ target: 0, targets: 2, windowsDone: 0, windowsTotal: 8 })
    expect(events.at(-1)).toEqual({ target: 1, targets: 2, windowsDone: 8, windowsTotal: 8 })
  })

  it('names the field when the window settings do not fit the model', async () => {
    const err = await run({ maxLength: 256 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ServiceError)
    expect((err as ServiceError).message).toMatch(/^maxLength: max length 256 .*n_positions 128/)
    await expect(run({ maxLength: 64, stride: 100 })).rejects.toThrow(/^stride: stride 100 must be/)
  })
})
