// The Train form's list on wasm (issue 16 item 6): the form's settings tried on every registered model,
// each with its own family's LoRA targets, says which fit the 4 GiB heap, which only with recomputation
// and which need the GPU backend. The estimate reads config.json only, so each folder here holds just
// the real model's config (test/fixtures/model-configs).
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { wasmFits } from '../../../src/engine/jobs/training-jobs'
import { WASM_HEAP_LIMIT_BYTES } from '../../../src/engine/training/wasm-fit'
import { runDefaults, type RunConfigValues } from '../../../src/shared/runs'

let dir: string
const folder = (name: string) => join(dir, name)

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wasm-fits-'))
  for (const name of ['smollm2-135m', 'qwen2.5-0.5b']) {
    await mkdir(folder(name))
    await copyFile(`test/fixtures/model-configs/${name}.json`, join(folder(name), 'config.json'))
  }
})

afterAll(async () => {
  delete process.env.LORA_STUDIO_BACKEND
  await rm(dir, { recursive: true, force: true })
})

const context = { id: 1, signal: new AbortController().signal, emit: () => undefined }
/** The GPT-2 quick-test settings the form holds before a Llama/Qwen model is chosen: LoRA on c_attn. */
const config = (maxLength: number): RunConfigValues => ({
  ...runDefaults,
  baseModel: 'chosen',
  data: { kind: 'dataset', id: 1 },
  batchSize: 1,
  workers: 1,
  maxLength,
  lora: { ...runDefaults.lora, targetModules: ['c_attn'] }
})

describe('wasmFits', () => {
  it('says which registered models fit the wasm heap, with their own family’s targets', async () => {
    process.env.LORA_STUDIO_BACKEND = 'wasm'
    const baseModels = [folder('smollm2-135m'), folder('qwen2.5-0.5b'), folder('missing')]
    const short = await wasmFits({ baseModels, config: config(256) }, context)
    expect(short?.map((f) => f?.advice ?? null)).toEqual(['fits', 'gpu', null])
    expect(short?.[0]?.limitBytes).toBe(WASM_HEAP_LIMIT_BYTES)
    expect(short?.[0]?.heapBytes).toBeLessThan(WASM_HEAP_LIMIT_BYTES)
    // At 1,024 tokens SmolLM2-135M fits only with recomputation, which the advice measures.
    const long = await wasmFits({ baseModels, config: config(1024) }, context)
    expect(long?.[0]).toMatchObject({ advice: 'recompute' })
    expect(long?.[0]?.heapBytes).toBeGreaterThan(WASM_HEAP_LIMIT_BYTES)
    expect(long?.[0]?.recomputedHeapBytes).toBeLessThan(WASM_HEAP_LIMIT_BYTES)
  })
})
