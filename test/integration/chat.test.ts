// Chat end to end with a real engine process (wasm) and a tiny random GPT-2 made by the model factory
// (real GPT-2 tokenizer): the `generate` job's determinism, streaming and cancel; an adapter that
// changes the answer; chats saved and reopened with their history; compare; field errors for bad options.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/main/app-context'
import { createRandomGpt2Folder } from '../../src/engine/model-factory'
import { Rng } from '../../src/engine/generation/rng'
import { writePeftAdapter } from '../../src/engine/training/peft-adapter'
import { defaultGenerationSettings, type GenerationSettingsValues } from '../../src/shared/chat'
import type { GenerateJobInput, GenerateJobOutput } from '../../src/shared/generation-protocol'
import { ServiceError } from '../../src/shared/errors'
import { openWasmContext } from './tiny-training'

const work = mkdtempSync(join(tmpdir(), 'chat-'))
const dataDir = join(work, 'data')
const modelDir = join(work, 'tiny-gpt2')
const adapterDir = join(work, 'adapter')
/** A checkpoint folder as training writes it: the adapter in step-N/adapter. */
const checkpointDir = join(work, 'checkpoints', 'step-5')
let ctx: AppContext

const sampling = (extra: Partial<GenerationSettingsValues> = {}): GenerationSettingsValues => ({
  ...defaultGenerationSettings,
  maxNewTokens: 24,
  seed: 7,
  stopOnEos: false,
  ...extra
})
const greedy = (extra: Partial<GenerationSettingsValues> = {}) => sampling({ temperature: 0, ...extra })

function open(): Promise<AppContext> {
  return openWasmContext(dataDir)
}

async function generate(
  input: Partial<GenerateJobInput> & { options: GenerationSettingsValues },
  onDelta?: (delta: string, tokens: number) => void,
  signal?: AbortSignal
): Promise<GenerateJobOutput> {
  return ctx.engine.call(
    'generate',
    {
      modelPath: modelDir,
      adapterPath: null,
      prompt: {
        prefix: [],
        history: [],
        current: [{ text: 'Human: What is a buffer overflow?\n\nAssistant: ' }]
      },
      ...input
    },
    {
      signal,
      onEvent: (m) => {
        if (m.event === 'generateToken') onDelta?.(m.data.delta, m.data.tokens)
      }
    }
  )
}

function uniform(n: number, bound: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => (2 * rng.nextFloat() - 1) * bound)
}

async function writeAdapter(dir: string): Promise<void> {
  const rng = new Rng(11)
  const r = 4
  const modules = new Map<string, { a: Float32Array; b: Float32Array }>()
  for (let layer = 0; layer < 2; layer++) {
    modules.set(`h.${layer}.attn.c_attn`, { a: uniform(r * 32, 0.5, rng), b: uniform(96 * r, 0.5, rng) })
    modules.set(`h.${layer}.attn.c_proj`, { a: uniform(r * 32, 0.5, rng), b: uniform(32 * r, 0.5, rng) })
  }
  await writePeftAdapter(dir, {
    settings: { r, alpha: 8, dropout: 0, targetModules: ['attn.c_attn', 'attn.c_proj'], rsLora: false },
    modules,
    baseModel: modelDir
  })
}

beforeAll(async () => {
  await createRandomGpt2Folder(modelDir, { nLayer: 2, nEmbd: 32, nHead: 2, nPositions: 96, seed: 5 })
  await writeAdapter(adapterDir)
  await writeAdapter(join(checkpointDir, 'adapter'))
  ctx = await open()
})

afterAll(async () => {
  await ctx?.close()
  rmSync(work, { recursive: true, force: true })
})

describe('the generate job', () => {
  it('gives the same text for the same seed, and the streamed pieces join to it', async () => {
    const deltas: string[] = []
    const first = await generate({ options: sampling() }, (d) => deltas.push(d))
    const second = await generate({ options: sampling() })
    const other = await generate({ options: sampling({ seed: 8 }) })
    expect(first.newTokens).toBe(24)
    expect(first.finishReason).toBe('length')
    expect(second.ids).toEqual(first.ids)
    expect(second.text).toBe(first.text)
    expect(other.ids).not.toEqual(first.ids)
    expect(deltas.join('')).toBe(first.text)
    expect(deltas.every((d) => d !== '')).toBe(true)
    expect(first.tokensPerSecond).toBeGreaterThan(0)
    console.info(
      `tiny GPT-2 (2 layers, 32 wide, vocab 50257) on wasm through the engine: first call ` +
        `${first.tokensPerSecond.toFixed(0)} tokens/s (load ${first.loadMs.toFixed(0)} ms), warm ` +
        `${second.tokensPerSecond.toFixed(0)} tokens/s (load ${second.loadMs.toFixed(1)} ms, prefill ${second.prefillMs.toFixed(1)} ms)`
    )
  })

  it('returns the partial text when cancelled', async () => {
    const controller = new AbortController()
    const deltas: string[] = []
    const out = await generate(
      { options: sampling({ maxNewTokens: 90 }) },
      (d, tokens) => {
        deltas.push(d)
        if (tokens >= 3) controller.abort()
      },
      controller.signal
    )
    expect(out.finishReason).toBe('cancelled')
    expect(out.newTokens).toBeGreaterThanOrEqual(3)
    expect(out.newTokens).toBeLessThan(90)
    expect(out.text.startsWith(deltas.join(''))).toBe(true)
  })

  it('answers differently with an adapter, and the same again without it', async () => {
    const base = await generate({ options: greedy() })
    const adapted = await generate({ adapterPath: adapterDir, options: greedy() })
    const baseAgain = await generate({ options: greedy() })
    expect(adapted.ids).not.toEqual(base.ids)
    expect(baseAgain.ids).toEqual(base.ids)
  })

  it('drops the oldest turns first when the conversation does not fit', async () => {
    const turn = (i: number) => [
      { text: `Human: question number ${i} about heap spraying\n\nAssistant: ` },
      { text: `answer number ${i}, with some detail` },
      { eos: true as const }
    ]
    const out = await generate({
      prompt: {
        prefix: [{ text: 'You are terse.\n\n' }],
        history: [1, 2, 3, 4, 5, 6].map(turn),
        current: [{ text: 'Human: and now?\n\nAssistant: ' }]
      },
      options: greedy({ maxNewTokens: 40 })
    })
    expect(out.droppedTurns).toBeGreaterThan(0)
    expect(out.droppedTurns).toBeLessThan(6)
    expect(out.promptCropped).toBe(0)
    expect(out.promptTokens).toBeLessThanOrEqual(96 - 40 + 1)
  })

  it('refuses top-k beyond the vocabulary with the field named', async () => {
    const err = await generate({ options: sampling({ topK: 60_000 }) }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ServiceError)
    expect((err as ServiceError).code).toBe('invalid_input')
    expect((err as ServiceError).issues.map((i) => i.path)).toEqual(['options.topK'])
  })
})

describe('chats', () => {
  it('saves a conversation, streams its answers and reopens it with its history', async () => {
    const tokens: { messageId: number; delta: string }[] = []
    const off = ctx.events.on('chat.token', (e) => tokens.push(e))
    const chat = await ctx.handlers.chat.create({
      modelPath: modelDir,
      adapter: { kind: 'path', path: checkpointDir },
      options: greedy({ maxNewTokens: 12 })
    })
    expect(chat.target.adapterPath).toBe(join(checkpointDir, 'adapter'))
    expect(chat.target.label).toBe('tiny-gpt2 + step-5')
    expect(chat.template).toEqual({ name: 'human-assistant' })
    const first = await ctx.handlers.chat.send({ chatId: chat.id, content: 'What is ASLR?' })
    const second = await ctx.handlers.chat.send({ chatId: chat.id, content: 'And DEP?' })
    off()
    expect(first.role).toBe('assistant')
    expect(first.generation?.finishReason).toMatch(/^(length|stop)$/)
    expect(first.generation?.stopSequences).toEqual(['\nHuman:'])
    expect(
      tokens
        .filter((t) => t.messageId === first.id)
        .map((t) => t.delta)
        .join('')
    ).toBe(first.content)
    expect(second.generation?.droppedTurns).toBe(0)
    expect(second.generation!.promptTokens).toBeGreaterThan(first.generation!.promptTokens)

    await ctx.close()
    ctx = await open()
    const reopened = await ctx.handlers.chat.get({ id: chat.id })
    expect(reopened.title).toBe('What is ASLR?')
    expect(reopened.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'What is ASLR?'],
      ['assistant', first.content],
      ['user', 'And DEP?'],
      ['assistant', second.content]
    ])
    expect(reopened.messages[3].generation).toEqual(second.generation)
    expect((await ctx.handlers.chat.list({})).map((c) => c.id)).toContain(chat.id)
  })

  it('keeps the partial answer with finishReason cancelled when stopped', async () => {
    const chat = await ctx.handlers.chat.create({
      modelPath: modelDir,
      adapter: { kind: 'none' },
      options: sampling({ maxNewTokens: 80 })
    })
    const off = ctx.events.on('chat.token', (e) => {
      if (e.chatId === chat.id && e.tokens >= 2) void ctx.handlers.chat.cancel({ chatId: chat.id })
    })
    const reply = await ctx.handlers.chat.send({ chatId: chat.id, content: 'Explain ROP.' })
    off()
    expect(reply.generation?.finishReason).toBe('cancelled')
    expect(reply.generation!.newTokens).toBeLessThan(80)
    const saved = await ctx.handlers.chat.get({ id: chat.id })
    expect(saved.messages[1].content).toBe(reply.content)
    expect(saved.messages[1].generation?.finishReason).toBe('cancelled')
    expect(saved.busy).toBe(false)
  })

  it('compares two targets on the same prompt and seed, streaming with the target index', async () => {
    const seen = new Map<number, string>()
    const off = ctx.events.on('chat.compareToken', (e) => {
      if (e.compareId === 'cmp-1') seen.set(e.target, (seen.get(e.target) ?? '') + e.delta)
    })
    const input = {
      compareId: 'cmp-1',
      prompt: 'What is a use-after-free?',
      targets: [
        { modelPath: modelDir, adapter: { kind: 'none' as const } },
        { modelPath: modelDir, adapter: { kind: 'path' as const, path: adapterDir } }
      ],
      options: sampling({ maxNewTokens: 16 })
    }
    const result = await ctx.handlers.chat.compare(input)
    off()
    expect(result.answers).toHaveLength(2)
    const [base, adapted] = result.answers
    expect(base.target.adapterPath).toBeNull()
    expect(adapted.target.adapterPath).toBe(adapterDir)
    expect(seen.get(0)).toBe(base.text)
    expect(seen.get(1)).toBe(adapted.text)
    expect(adapted.text).not.toBe(base.text)
    const again = await ctx.handlers.chat.compare({ ...input, compareId: 'cmp-2' })
    expect(again.answers.map((a) => a.text)).toEqual([base.text, adapted.text])
  })

  it('rejects invalid options with field errors and saves nothing', async () => {
    const chat = await ctx.handlers.chat.create({ modelPath: modelDir, adapter: { kind: 'none' } })
    const bad = await ctx.router.call('chat.send', {
      chatId: chat.id,
      content: 'hi',
      options: { temperature: 9, topP: 0, stopSequences: Array(9).fill('x') }
    })
    expect(bad.ok).toBe(false)
    if (bad.ok) return
    expect(bad.error.code).toBe('invalid_input')
    expect(bad.error.issues?.map((i) => i.path).sort()).toEqual([
      'options.stopSequences',
      'options.temperature',
      'options.topP'
    ])
    const tooManyK = await ctx.router.call('chat.send', {
      chatId: chat.id,
      content: 'hi',
      options: { ...sampling(), topK: 50_258 }
    })
    expect(tooManyK.ok).toBe(false)
    if (tooManyK.ok) return
    expect(tooManyK.error.issues?.map((i) => i.path)).toEqual(['options.topK'])
    expect((await ctx.handlers.chat.get({ id: chat.id })).messages).toEqual([])
    const noModel = await ctx.router.call('chat.create', { adapter: { kind: 'none' } })
    expect(noModel.ok).toBe(false)
    if (noModel.ok) return
    expect(noModel.error.issues?.map((i) => i.path)).toEqual(['modelId'])
  })
})
