// A dataset-backed run end to end through the services, as the app does it: the tiny demo model,
// a small alpaca JSONL imported with the alpaca template, a "Quick test" run on it (real SQLite, real
// engine on wasm), metrics persisted, labels masked on the prompt, a PEFT adapter folder, and a chat
// with that run's adapter formatted with the dataset's template.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/main/app-context'
import type { Api } from '../../src/shared/contract'
import type { RunProgressEvent } from '../../src/shared/runs'
import { openWasmContext, routedApi } from './tiny-training'

const work = mkdtempSync(join(tmpdir(), 'dataset-run-'))
const alpacaFile = join(work, 'cwe-alpaca.jsonl')
let ctx: AppContext
/** The API as the renderer and the CLI call it: every input validated (and defaulted) by the router. */
let api: Api

const records = [
  ['Explain CWE-121.', '', 'A stack-based buffer overflow writes past a buffer on the stack.'],
  ['Explain CWE-416.', '', 'Use after free: memory is used after it has been released.'],
  ['Explain CWE-89.', '', 'SQL injection: input reaches a query without neutralization.'],
  ['What does this code risk?', 'strcpy(buf, argv[1]);', 'An unbounded copy into a fixed buffer (CWE-120).'],
  ['Explain CWE-79.', '', 'Cross-site scripting: input is echoed into a page without encoding.'],
  ['Explain CWE-22.', '', 'Path traversal: a path built from input escapes the intended folder.'],
  ['Explain CWE-78.', '', 'OS command injection: input reaches a shell command.'],
  ['Explain CWE-787.', '', 'Out-of-bounds write past the end or before the start of a buffer.'],
  ['What does this code risk?', 'free(p); p->next = 0;', 'A write through a freed pointer (CWE-416).'],
  ['Explain CWE-190.', '', 'Integer overflow: a calculation wraps around and a later check is wrong.']
].map(([instruction, input, output]) => ({ instruction, input, output }))

beforeAll(async () => {
  writeFileSync(alpacaFile, records.map((r) => JSON.stringify(r)).join('\n') + '\n')
  ctx = await openWasmContext(join(work, 'data'))
  api = routedApi(ctx)
})

afterAll(async () => {
  await ctx?.close()
  rmSync(work, { recursive: true, force: true })
})

interface JsonlSample {
  input_ids: number[]
  labels: number[]
}

describe('a run on an imported dataset', () => {
  it('trains the demo model on it, persists metrics, writes a PEFT adapter and chats in its template', async () => {
    const model = await api.models.createDemo({ size: 'tiny', seed: 1 })
    const dataset = await api.datasets.import({
      name: 'CWE alpaca',
      paths: [alpacaFile],
      format: 'instruction',
      template: { name: 'alpaca' },
      maxLength: 128,
      split: { kind: 'ratio', validationRatio: 0.2, seed: 42 },
      batchSize: 2
    })
    expect(dataset.recordCount).toBe(10)
    expect(dataset.trainCount + dataset.validationCount).toBe(10)
    expect(dataset.validationCount).toBeGreaterThan(0)
    const stats = dataset.statistics
    expect(stats.trainedTokens).toBeGreaterThan(0)
    expect(stats.trainedTokens).toBeLessThan(stats.totalTokens / 2)

    const started = Date.now()
    const run = await api.runs.start({
      name: 'quick test on CWE alpaca',
      preset: 'quick-test',
      config: { baseModel: model.path, data: { kind: 'dataset', id: dataset.id }, maxSteps: 6, saveEvery: 3 }
    })
    expect(run.config.data).toEqual({ kind: 'dataset', id: dataset.id })
    expect(run.config.lora.r).toBe(4)
    await ctx.runs.settled(run.id)
    const seconds = (Date.now() - started) / 1000
    const done = await api.runs.get({ id: run.id })
    expect(done.message).toBeNull()
    expect(done.status).toBe('completed')
    expect(done.config.template).toBe('human-assistant')
    expect(done.template).toBe('alpaca')
    expect(done.step).toBe(6)

    const runDir = join(ctx.paths.runs, String(run.id))
    const samples = (file: string): JsonlSample[] =>
      readFileSync(join(runDir, 'data', file), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as JsonlSample)
    const train = samples('train.jsonl')
    expect(train).toHaveLength(dataset.trainCount)
    expect(samples('validation.jsonl')).toHaveLength(dataset.validationCount)
    const total = train.reduce((n, s) => n + s.input_ids.length, 0)
    const trained = train.reduce((n, s) => n + s.labels.filter((l) => l !== -100).length, 0)
    expect(trained).toBeGreaterThan(0)
    expect(trained).toBeLessThan(total / 2)
    for (const s of train) {
      expect(s.labels).toHaveLength(s.input_ids.length)
      expect(s.labels[0]).toBe(-100)
      expect(s.labels.at(-1)).toBe(s.input_ids.at(-1))
    }

    const metrics = await api.runs.metrics({ id: run.id, afterStep: -1 })
    const steps = metrics.filter((m) => m.trainLoss !== null)
    expect(steps.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6])
    for (const m of steps) {
      expect(Number.isFinite(m.trainLoss)).toBe(true)
      expect(m.trainLoss).toBeGreaterThan(0)
      expect(m.learningRate).toBe(1e-3)
    }
    const losses = steps.map((m) => m.trainLoss!)
    expect(Math.min(...losses.slice(3))).toBeLessThan(losses[0])
    const evals = metrics.filter((m) => m.evalLoss !== null)
    expect(evals.length).toBeGreaterThan(0)
    expect(Number.isFinite(evals.at(-1)!.evalLoss)).toBe(true)

    expect(done.adapterPath).toBe(join(runDir, 'adapter'))
    const adapterConfig = JSON.parse(
      readFileSync(join(done.adapterPath!, 'adapter_config.json'), 'utf8')
    ) as Record<string, unknown>
    expect(adapterConfig).toMatchObject({ peft_type: 'LORA', task_type: 'CAUSAL_LM', r: 4, lora_alpha: 8 })
    expect(existsSync(join(done.adapterPath!, 'adapter_model.safetensors'))).toBe(true)
    const header = readFileSync(join(done.adapterPath!, 'adapter_model.safetensors'))
    const headerText = header.subarray(8, 8 + Number(header.readBigUInt64LE(0))).toString('utf8')
    expect(headerText).toContain('base_model.model.transformer.h.0.attn.c_attn.lora_A.weight')
    expect(headerText).toContain('base_model.model.transformer.h.1.attn.c_attn.lora_B.weight')

    const chat = await api.chat.create({
      adapter: { kind: 'run', runId: run.id },
      options: { maxNewTokens: 8, temperature: 0, seed: 3, stopOnEos: false }
    })
    expect(chat.target.adapterPath).toBe(done.adapterPath)
    expect(chat.target.modelPath).toBe(model.path)
    expect(chat.template).toEqual({ name: 'alpaca' })
    const answer = await api.chat.send({ chatId: chat.id, content: 'Explain CWE-121.' })
    expect(answer.role).toBe('assistant')
    expect(answer.generation?.error).toBeNull()
    expect(answer.generation?.stopSequences).toContain('\n### Instruction:')
    expect(answer.generation!.newTokens).toBeGreaterThan(0)
    console.info(
      `dataset run: ${train.length} train samples, ${trained}/${total} tokens trained, ` +
        `losses ${losses.map((l) => l.toFixed(3)).join(' ')}, eval ${evals.at(-1)!.evalLoss!.toFixed(3)}, ` +
        `start to completed ${seconds.toFixed(1)} s (${steps.map((m) => m.elapsedS.toFixed(2)).join(' ')} s elapsed per step)`
    )
  })

  it('trains as many samples as the dataset says: a packed raw-text dataset and the blog recipe agree', async () => {
    // The repro: the dataset said 14 train samples, the run "13 records". The dataset's packer
    // keeps the shorter last block; the engine packed the samples again and dropped it.
    const textFile = join(work, 'notes.txt')
    const paragraph =
      'A heap overflow corrupts the allocator metadata next to a chunk, and a later free turns it into a write.'
    writeFileSync(textFile, Array.from({ length: 12 }, (_, i) => `${i + 1}. ${paragraph}`).join('\n\n'))
    const model = (await api.models.list({}))[0] ?? (await api.models.createDemo({ size: 'tiny', seed: 1 }))
    const dataset = await api.datasets.import({
      name: 'notes packed',
      paths: [textFile],
      format: 'text',
      textMode: 'pack',
      maxLength: 64,
      split: { kind: 'none' }
    })
    const stats = dataset.statistics
    expect(stats.trainSamples).toBe(Math.ceil(stats.totalTokens / 64))
    expect(stats.totalTokens % 64).not.toBe(0)

    const messages: string[] = []
    const off = ctx.events.on('run.progress', (e: RunProgressEvent) => {
      if (e.message) messages.push(e.message)
    })
    const run = await api.runs.start({
      name: 'blog recipe on packed notes',
      preset: 'gpt2-blog-recipe',
      config: {
        baseModel: model.path,
        data: { kind: 'dataset', id: dataset.id },
        maxLength: 64,
        maxSteps: 1,
        batchSize: 4
      }
    })
    expect(run.config.packing).toBe(true)
    await ctx.runs.settled(run.id)
    off()
    const done = await api.runs.get({ id: run.id })
    expect(done.status).toBe('completed')
    // Raw text has no prompt template: none listed, and chat continues its text as written.
    expect(done.template).toBeNull()
    const chat = await api.chat.create({
      adapter: { kind: 'run', runId: run.id },
      options: { maxNewTokens: 1 }
    })
    expect(chat.template).toEqual({ name: 'raw' })
    const started = messages.find((m) => m.startsWith('training'))
    expect(started).toMatch(
      new RegExp(`^training ${stats.trainSamples} samples of up to 64 tokens, 1 steps?,`)
    )
  })

  it('estimates chatting beside training, and warns on the Train page when the tokenizer fragments the text', async () => {
    // Item 14: the import wizard's tokens-per-character warning where the dataset and the model are chosen.
    const zhFile = join(work, 'zh.txt')
    writeFileSync(
      zhFile,
      '缓冲区溢出是一种常见的软件安全漏洞。当程序向固定大小的缓冲区写入超过其容量的数据时，多余的数据会覆盖相邻的内存。'
    )
    const model = (await api.models.list({}))[0] ?? (await api.models.createDemo({ size: 'tiny', seed: 1 }))
    const dataset = await api.datasets.import({
      name: 'zh notes',
      paths: [zhFile],
      format: 'text',
      maxLength: 128,
      split: { kind: 'none' },
      modelId: model.id
    })
    expect(dataset.statistics.fragmentationWarning).not.toBeNull()
    const estimate = await api.runs.estimate({
      preset: 'quick-test',
      config: { baseModel: model.path, data: { kind: 'dataset', id: dataset.id } }
    })
    expect(estimate.textFit?.tokenizer).toBe(dataset.statistics.tokenizer)
    expect(estimate.textFit?.tokensPerCharacter).toBeCloseTo(dataset.statistics.tokensPerCharacter, 10)
    expect(estimate.textFit?.fragmented).toBe(true)

    // The tiny demo model: 2 layers × 64, context 256; the KV cache holds keys and values of every position.
    const inference = estimate.inference!
    const kv = inference.components.find((c) => c.key === 'kvCache')
    expect(kv?.bytes).toBe(2 * 2 * 256 * 64 * 4)
    expect(inference.totalBytes).toBeGreaterThan(0)
    expect(inference.totalBytes).toBeLessThan(estimate.memory.totalBytes)

    // Chat and Models ask the same of a chosen model (no adapter): the same parts, at its context.
    const chat = await api.models.memory({ id: model.id })
    expect([chat.context, chat.backend]).toEqual([256, 'wasm'])
    expect(chat.memory.components.map((c) => c.key)).toEqual(
      inference.components.map((c) => c.key).filter((k) => k !== 'loraWeights')
    )
    expect(chat.memory.components.find((c) => c.key === 'kvCache')?.bytes).toBe(kv?.bytes)
  })
})
