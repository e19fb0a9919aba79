// The decoding loop with fake models: EOS, stop sequences spanning tokens, UTF-8 streaming of split Chinese
// characters, seeded sampling, cancellation, the position limit, option checks, and the session always freed.
import { describe, expect, it } from 'vitest'
import { generate, promptCrop, type GenerationHooks } from '../../../src/engine/generation/generate'
import {
  DEFAULT_GENERATION_OPTIONS,
  type GenerationOptions
} from '../../../src/engine/generation/generation-options'
import { fakeDecoder, ScriptedLm, TableLm } from './fake-causal-lm'

const greedy = (over: Partial<GenerationOptions> = {}): GenerationOptions => ({
  ...DEFAULT_GENERATION_OPTIONS,
  doSample: false,
  eosTokenId: 0,
  maxNewTokens: 20,
  ...over
})

function streamed(hooks: Partial<GenerationHooks> & Pick<GenerationHooks, 'decodeBytes'>) {
  const events: Array<[number, string]> = []
  return {
    events,
    hooks: {
      ...hooks,
      onToken(id: number, delta: string) {
        events.push([id, delta])
        hooks.onToken?.(id, delta)
      }
    }
  }
}

describe('generate: stopping', () => {
  const pieces = ['<eos>', 'Hel', 'lo', '\n', '\nHu', 'man:', ' more', 'A']
  const decodeBytes = fakeDecoder(pieces)

  it('stops at EOS: the id is kept, its text is not', async () => {
    const model = new ScriptedLm([1, 2, 0, 7], pieces.length)
    const { events, hooks } = streamed({ decodeBytes })
    const result = await generate(model, [7, 7], greedy(), hooks)
    expect(result).toMatchObject({
      ids: [1, 2, 0],
      text: 'Hello',
      finishReason: 'eos',
      promptTokens: 2,
      newTokens: 3
    })
    expect(events).toEqual([
      [1, 'Hel'],
      [2, 'lo'],
      [0, '']
    ])
    expect(model.sessions[0].appends).toEqual([[7, 7], [1], [2]])
    expect(model.sessions[0].disposed).toBe(true)
  })

  it('goes past EOS when stopOnEos is false', async () => {
    const model = new ScriptedLm([1, 0, 2], pieces.length)
    const result = await generate(model, [7], greedy({ stopOnEos: false, maxNewTokens: 3 }), { decodeBytes })
    expect(result).toMatchObject({ ids: [1, 0, 2], text: 'Hel<eos>lo', finishReason: 'length' })
  })

  it('finds a stop sequence spanning tokens, trims it and never streams any of it', async () => {
    const model = new ScriptedLm([1, 2, 3, 4, 5, 6], pieces.length)
    const { events, hooks } = streamed({ decodeBytes })
    const result = await generate(model, [7], greedy({ stopSequences: ['\n\nHuman:'] }), hooks)
    expect(result).toMatchObject({ ids: [1, 2, 3, 4, 5], text: 'Hello', finishReason: 'stop' })
    expect(events).toEqual([
      [1, 'Hel'],
      [2, 'lo'],
      [3, ''],
      [4, ''],
      [5, '']
    ])
    expect(model.sessions[0].disposed).toBe(true)
  })

  it('releases held-back text when it does not become a stop sequence', async () => {
    const model = new ScriptedLm([1, 3, 4, 2, 6], pieces.length)
    const { events, hooks } = streamed({ decodeBytes })
    const result = await generate(
      model,
      [7],
      greedy({ stopSequences: ['\n\nHuman:'], maxNewTokens: 5 }),
      hooks
    )
    expect(result).toMatchObject({ text: 'Hel\n\nHulo more', finishReason: 'length' })
    expect(events.map(([, d]) => d)).toEqual(['Hel', '', '', '\n\nHulo', ' more'])
  })

  it('stops at the earliest of several stop sequences, inside a token', async () => {
    const model = new ScriptedLm([1, 2, 6], pieces.length)
    const result = await generate(model, [7], greedy({ stopSequences: ['more', 'lo m'] }), { decodeBytes })
    expect(result).toMatchObject({ ids: [1, 2, 6], text: 'Hel', finishReason: 'stop' })
  })

  it('stops at maxNewTokens with finishReason length', async () => {
    const model = new ScriptedLm([7], pieces.length)
    const result = await generate(model, [1], greedy({ maxNewTokens: 4 }), { decodeBytes })
    expect(result).toMatchObject({ ids: [7, 7, 7, 7], text: 'AAAA', finishReason: 'length', newTokens: 4 })
    expect(result.tokensPerSecond).toBeGreaterThan(0)
    const none = await generate(model, [1], greedy({ maxNewTokens: 0 }), { decodeBytes })
    expect(none).toMatchObject({ ids: [], text: '', finishReason: 'length' })
  })
})

describe('generate: UTF-8 streaming', () => {
  // 你好 is e4 bd a0 e5 a5 bd; byte-level tokens split both characters.
  const decodeBytes = fakeDecoder(['<eos>', [0xe4], [0xbd, 0xa0, 0xe5], [0xa5], [0xbd], '!'])

  it('shows only whole characters, never U+FFFD mid-character', async () => {
    const model = new ScriptedLm([1, 2, 3, 4, 5, 0], 6)
    const { events, hooks } = streamed({ decodeBytes })
    const result = await generate(model, [5], greedy(), hooks)
    expect(events).toEqual([
      [1, ''],
      [2, '你'],
      [3, ''],
      [4, '好'],
      [5, '!'],
      [0, '']
    ])
    expect(result.text).toBe('你好!')
  })

  it('ends an unfinished character with U+FFFD, as HF decode does, when tokens run out', async () => {
    const model = new ScriptedLm([1, 2, 3], 6)
    const { events, hooks } = streamed({ decodeBytes })
    const result = await generate(model, [5], greedy({ maxNewTokens: 3 }), hooks)
    expect(result.text).toBe('你\uFFFD')
    expect(events.map(([, d]) => d).join('')).toBe(result.text)
  })

  it('holds back a partial character that could start a Chinese stop sequence', async () => {
    const model = new ScriptedLm([1, 2, 3, 4, 5], 6)
    const result = await generate(model, [5], greedy({ stopSequences: ['好'] }), { decodeBytes })
    expect(result).toMatchObject({ ids: [1, 2, 3, 4], text: '你', finishReason: 'stop' })
  })
})

describe('generate: sampling', () => {
  const decodeBytes = fakeDecoder(Array.from({ length: 16 }, (_, i) => String.fromCharCode(97 + i)))
  const sampled = (seed: number): GenerationOptions => ({
    ...DEFAULT_GENERATION_OPTIONS,
    maxNewTokens: 24,
    temperature: 0.9,
    topK: 12,
    topP: 0.95,
    repetitionPenalty: 1.1,
    eosTokenId: null,
    seed
  })

  it('gives the same ids for the same seed and different ids for another seed', async () => {
    const model = new TableLm(16, 1)
    const a = await generate(model, [3, 4], sampled(123), { decodeBytes })
    const b = await generate(model, [3, 4], sampled(123), { decodeBytes })
    const c = await generate(model, [3, 4], sampled(124), { decodeBytes })
    expect(a.ids).toHaveLength(24)
    expect(b.ids).toEqual(a.ids)
    expect(b.text).toBe(a.text)
    expect(c.ids).not.toEqual(a.ids)
    expect(new Set(a.ids).size).toBeGreaterThan(4)
  })

  it('is greedy (and ignores the seed) with temperature 0', async () => {
    const model = new TableLm(16, 1)
    const a = await generate(model, [3], { ...sampled(1), temperature: 0 }, { decodeBytes })
    const b = await generate(model, [3], { ...sampled(2), temperature: 0 }, { decodeBytes })
    const c = await generate(model, [3], { ...sampled(3), doSample: false }, { decodeBytes })
    expect(b.ids).toEqual(a.ids)
    expect(c.ids).toEqual(a.ids)
  })

  it('applies the repetition penalty to prompt tokens too', async () => {
    const decode = fakeDecoder(['x', 'y', 'z'])
    const model = new ScriptedLm([1], 3)
    const plain = await generate(model, [0], greedy({ eosTokenId: null, maxNewTokens: 1 }), {
      decodeBytes: decode
    })
    expect(plain.ids).toEqual([1])
    const penalised = await generate(
      model,
      [1],
      greedy({ eosTokenId: null, maxNewTokens: 1, repetitionPenalty: 20 }),
      {
        decodeBytes: decode
      }
    )
    expect(penalised.ids).toEqual([0])
  })
})

describe('generate: cancellation', () => {
  const decodeBytes = fakeDecoder(['<eos>', 'a', 'b'])

  it('returns what was generated when aborted from the stream, and frees the session', async () => {
    const model = new ScriptedLm([1, 2, 1, 2, 1, 2], 3)
    const controller = new AbortController()
    const { events, hooks } = streamed({
      decodeBytes,
      signal: controller.signal,
      onToken: () => {
        if (events.length === 3) controller.abort()
      }
    })
    const result = await generate(model, [1], greedy(), { ...hooks, signal: controller.signal })
    expect(result).toMatchObject({ ids: [1, 2, 1], text: 'aba', finishReason: 'cancelled' })
    expect(model.sessions[0].appends).toEqual([[1], [1], [2]])
    expect(model.sessions[0].disposed).toBe(true)
  })

  it('stops while the model is busy, without using the logits that arrive after the abort', async () => {
    const model = new ScriptedLm([1, 2, 1, 2, 1, 2], 3)
    const controller = new AbortController()
    const busy = {
      vocabSize: 3,
      maxPositions: 1024,
      startSession: () => {
        const inner = model.startSession()
        return {
          append: async (ids: number[]) => {
            const logits = await inner.append(ids)
            if (inner.length === 3) controller.abort()
            await new Promise((resolve) => setTimeout(resolve, 1))
            return logits
          },
          get length() {
            return inner.length
          },
          dispose: () => inner.dispose()
        }
      }
    }
    const result = await generate(busy, [1], greedy({ eosTokenId: null, maxNewTokens: 100 }), {
      decodeBytes,
      signal: controller.signal
    })
    expect(result).toMatchObject({ ids: [1, 2], text: 'ab', finishReason: 'cancelled' })
    expect(model.sessions[0].appends).toEqual([[1], [1], [2]])
    expect(model.sessions[0].disposed).toBe(true)
  })

  it('returns at once when already aborted', async () => {
    const model = new ScriptedLm([1], 3)
    const result = await generate(model, [1], greedy(), { decodeBytes, signal: AbortSignal.abort() })
    expect(result).toMatchObject({ ids: [], text: '', finishReason: 'cancelled' })
    expect(model.sessions[0].appends).toEqual([])
    expect(model.sessions[0].disposed).toBe(true)
  })
})

describe('generate: positions and checks', () => {
  const decodeBytes = fakeDecoder(['<eos>', 'a', 'b'])

  it('ends with length when the positions run out', async () => {
    const model = new ScriptedLm([1], 3, 10)
    const result = await generate(model, [2, 2, 2, 2], greedy({ maxNewTokens: 20 }), { decodeBytes })
    expect(result).toMatchObject({ finishReason: 'length', newTokens: 7, promptTokens: 4, promptCropped: 0 })
    expect(model.sessions[0].appends.flat()).toHaveLength(10)
  })

  it('crops a long prompt from the left to leave room, keeping at least half the window', async () => {
    expect(promptCrop(12, 3, 10)).toBe(4)
    expect(promptCrop(8, 3, 10)).toBe(0)
    expect(promptCrop(30, 100, 10)).toBe(25)
    const model = new ScriptedLm([1], 3, 10)
    const prompt = [1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2]
    const result = await generate(model, prompt, greedy({ maxNewTokens: 3 }), { decodeBytes })
    expect(result).toMatchObject({ promptTokens: 8, promptCropped: 4, newTokens: 3, finishReason: 'length' })
    expect(model.sessions[0].appends[0]).toEqual([2, 2, 2, 2, 2, 2, 2, 2])
  })

  it('rejects bad options and prompts with a message naming the field', async () => {
    const model = new ScriptedLm([1], 3)
    await expect(generate(model, [1], greedy({ topP: 0 }), { decodeBytes })).rejects.toThrow(/topP must be/)
    await expect(generate(model, [1], greedy({ temperature: -1 }), { decodeBytes })).rejects.toThrow(
      /temperature/
    )
    await expect(generate(model, [1], greedy({ eosTokenId: 3 }), { decodeBytes })).rejects.toThrow(
      /eosTokenId/
    )
    await expect(generate(model, [], greedy(), { decodeBytes })).rejects.toThrow(/no tokens/)
    await expect(generate(model, [1, 5], greedy(), { decodeBytes })).rejects.toThrow(/prompt token 1 is 5/)
    expect(model.sessions).toHaveLength(0)
  })

  it('fails on NaN logits with a message that says what to do, and frees the session', async () => {
    const model = new ScriptedLm([1], 3)
    const broken = {
      vocabSize: 3,
      maxPositions: 10,
      startSession: () => {
        const inner = model.startSession()
        return {
          append: async (ids: number[]) => (await inner.append(ids)).fill(Number.NaN),
          get length() {
            return inner.length
          },
          dispose: () => inner.dispose()
        }
      }
    }
    await expect(generate(broken, [1], greedy(), { decodeBytes })).rejects.toThrow(
      /NaN logits .*earlier checkpoint/
    )
    expect(model.sessions[0].disposed).toBe(true)
  })
})
