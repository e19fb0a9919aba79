// Chat prompts are formatted exactly as training formatted chat records, stop at the template's next
// turn, and fit the context by dropping the oldest exchanges; the API's sampling defaults are the engine's.
import { describe, expect, it } from 'vitest'
import { buildChatPrompt, nextTurnStops } from '../../../src/main/chat/chat-prompt'
import { formattedText, renderRecord } from '../../../src/main/datasets/templates'
import { encodePieces, fitPrompt, promptBudget } from '../../../src/engine/generation/prompt-fit'
import { promptCrop } from '../../../src/engine/generation/generate'
import { DEFAULT_GENERATION_OPTIONS } from '../../../src/engine/generation/generation-options'
import { defaultGenerationSettings, GenerationSettings } from '../../../src/shared/chat'
import type { PromptPiece } from '../../../src/shared/generation-protocol'

const asText = (pieces: PromptPiece[]) => pieces.map((p) => ('eos' in p ? '<EOS>' : p.text)).join('')

describe('buildChatPrompt', () => {
  it('formats history and the new turn as the human-assistant training text', () => {
    const prompt = buildChatPrompt(
      { name: 'human-assistant', system: 'Answer briefly.' },
      [
        { role: 'user', content: 'What is XSS?' },
        { role: 'assistant', content: 'Script injection.' },
        { role: 'user', content: 'Failed question' },
        { role: 'assistant', content: '' }
      ],
      'And CSRF?'
    )
    expect(asText(prompt.prefix)).toBe('Answer briefly.\n\n')
    expect(prompt.history.map(asText)).toEqual(['Human: What is XSS?\n\nAssistant: Script injection.<EOS>'])
    expect(asText(prompt.current)).toBe('Human: And CSRF?\n\nAssistant: ')
  })

  it('matches what training renders for the same conversation', () => {
    const template = { name: 'chatml' as const }
    const messages = [
      { role: 'user' as const, content: 'q1' },
      { role: 'assistant' as const, content: 'a1' }
    ]
    const trained = formattedText(renderRecord({ kind: 'chat', messages }, template), '<EOS>')
    const prompt = buildChatPrompt(template, messages, 'q2')
    expect(prompt.history.map(asText).join('')).toBe(trained)
    expect(asText(prompt.current)).toBe('<|im_start|>user\nq2<|im_end|>\n<|im_start|>assistant\n')
  })

  it('stops where each template starts the next turn', () => {
    expect(nextTurnStops({ name: 'human-assistant' })).toEqual(['\nHuman:'])
    expect(nextTurnStops({ name: 'alpaca' })).toEqual(['\n### Instruction:'])
    expect(nextTurnStops({ name: 'chatml' })).toEqual(['<|im_end|>', '\n<|im_start|>user'])
    expect(nextTurnStops({ name: 'raw' })).toEqual([])
    expect(nextTurnStops({ name: 'custom', text: 'Q: {instruction}\nA: {output}' })).toEqual(['\nQ:'])
  })
})

describe('fitPrompt', () => {
  const encode = (pieces: readonly PromptPiece[]) =>
    encodePieces(pieces, (t) => [...t].map((c) => c.charCodeAt(0)), 0)

  it('keeps the prefix and the newest turns, dropping the oldest', () => {
    const prompt = {
      prefix: [{ text: 'SS' }],
      history: [[{ text: 'aaaa' }, { eos: true as const }], [{ text: 'bbbb' }], [{ text: 'cc' }]],
      current: [{ text: 'QQ' }]
    }
    expect(fitPrompt(prompt, encode, 100)).toEqual({
      ids: encode([{ text: 'SSaaaa' }, { eos: true }, { text: 'bbbbccQQ' }]),
      droppedTurns: 0
    })
    expect(fitPrompt(prompt, encode, 10)).toEqual({ ids: encode([{ text: 'SSbbbbccQQ' }]), droppedTurns: 1 })
    const fitted = fitPrompt(prompt, encode, 5)
    expect(fitted.droppedTurns).toBe(3)
    expect(fitted.ids).toEqual(encode([{ text: 'SSQQ' }]))
  })

  it('budgets exactly what generate keeps uncropped', () => {
    for (const [maxNew, positions] of [
      [128, 1024],
      [1000, 1024],
      [2048, 1024],
      [1, 64]
    ]) {
      const budget = promptBudget(maxNew, positions)
      expect(promptCrop(budget, maxNew, positions)).toBe(0)
      expect(promptCrop(budget + 1, maxNew, positions)).toBeGreaterThan(0)
    }
  })
})

describe('GenerationSettings', () => {
  it('defaults to the engine’s generation defaults', () => {
    const { eosTokenId: _eos, ...engine } = DEFAULT_GENERATION_OPTIONS
    expect(defaultGenerationSettings).toEqual(engine)
  })

  it('names each field out of range', () => {
    const bad = GenerationSettings.safeParse({
      temperature: -0.1,
      topK: 1.5,
      topP: 1.01,
      repetitionPenalty: 0.9,
      maxNewTokens: 2049,
      seed: -1,
      stopSequences: ['']
    })
    expect(bad.success).toBe(false)
    const paths = bad.error?.issues.map((i) => i.path.join('.')).sort()
    expect(paths).toEqual([
      'maxNewTokens',
      'repetitionPenalty',
      'seed',
      'stopSequences.0',
      'temperature',
      'topK',
      'topP'
    ])
  })
})
