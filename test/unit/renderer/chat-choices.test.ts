// The Chat page's target rules (src/renderer/stores/chat-choices.ts, used by the chat store): the base
// model follows the chosen adapter, Compare's default second slot can answer, a failed comparison
// leaves no pane "Writing…", and a failed answer's error is said once.
import { describe, expect, it } from 'vitest'
import type { ChatDetail, GenerationInfo, ResolvedTarget, TargetCheck } from '../../../src/shared/chat'
import type { ModelSummary } from '../../../src/shared/models'
import type { RunSummary } from '../../../src/shared/runs'
import {
  checkable,
  compareDefault,
  emptyTarget,
  endedColumns,
  followedModel,
  shownUnderAnswer,
  targetInput
} from '../../../src/renderer/stores/chat-choices'

function resolved(modelId: number, label: string): ResolvedTarget {
  return {
    modelId,
    modelPath: `/m/${modelId}`,
    modelName: label,
    adapter: { kind: 'none' },
    adapterPath: null,
    label
  }
}

const models = [
  { id: 1, name: 'gpt2' },
  { id: 2, name: 'demo-3m' }
] as ModelSummary[]
const runs = [
  { id: 9, name: 'failed one', status: 'failed', checkpoints: 0 },
  { id: 7, name: 'blog r8', status: 'completed', checkpoints: 2 }
] as RunSummary[]

describe('chat target choices', () => {
  it("asks the API for the adapter's own base (no model) and then shows that model", () => {
    const choice = { ...emptyTarget(null), adapterKind: 'run' as const, runId: 7 }
    expect(targetInput(choice)).toEqual({ adapter: { kind: 'run', runId: 7 } })
    const check: TargetCheck = { target: resolved(2, 'demo-3m + blog r8'), problem: null }
    expect(followedModel(choice, check)).toBe(2)
    // The person picked a model while the check was on its way: theirs stays.
    expect(followedModel({ ...choice, modelId: 1 }, check)).toBe(1)
    expect(followedModel(choice, { target: null, problem: 'no adapter_config.json' })).toBeNull()
  })

  it('checks only what is chosen: a run picked, a folder typed, or a model', () => {
    expect(checkable({ ...emptyTarget(1), adapterKind: 'run' })).toBe(false)
    expect(checkable({ ...emptyTarget(1), adapterKind: 'run', runId: 7 })).toBe(true)
    expect(checkable({ ...emptyTarget(1), adapterKind: 'path', adapterPath: '  ' })).toBe(false)
    expect(checkable(emptyTarget(null))).toBe(false)
    expect(checkable(emptyTarget(2))).toBe(true)
  })

  it("gives Compare a second slot that can answer: the first's base bare, or the latest finished run", () => {
    const viaRun = { ...emptyTarget(null), adapterKind: 'run' as const, runId: 7 }
    expect(
      compareDefault(viaRun, { target: resolved(2, 'demo-3m + blog r8'), problem: null }, runs, models)
    ).toEqual(emptyTarget(2))
    expect(compareDefault(emptyTarget(1), null, runs, models)).toEqual({
      ...emptyTarget(),
      adapterKind: 'run',
      runId: 7
    })
    expect(compareDefault(emptyTarget(null), null, [], models)).toEqual(emptyTarget(1))
  })

  it('ends every pane of a failed comparison with the reason', () => {
    const writing = { label: 'gpt2', text: '', tokens: 0, done: false, error: null }
    expect(
      endedColumns([writing, { ...writing, label: 'demo-3m' }], 'targets.1.modelId: choose a model')
    ).toEqual([
      { ...writing, done: true, error: 'targets.1.modelId: choose a model' },
      { ...writing, label: 'demo-3m', done: true, error: 'targets.1.modelId: choose a model' }
    ])
  })

  it("says a failed answer's error once: under the answer, not again above the chat", () => {
    const generation = { finishReason: 'error', error: 'the adapter does not fit' } as GenerationInfo
    const chat = {
      messages: [
        { id: 1, chatId: 3, role: 'user', content: 'hi', generation: null, streaming: false, createdAt: '' },
        { id: 2, chatId: 3, role: 'assistant', content: '', generation, streaming: false, createdAt: '' }
      ]
    } as ChatDetail
    expect(shownUnderAnswer('the adapter does not fit', chat)).toBe(true)
    expect(shownUnderAnswer('options.temperature: too big', chat)).toBe(false)
    expect(shownUnderAnswer('x', null)).toBe(false)
  })
})
