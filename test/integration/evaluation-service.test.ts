// The evaluate service over a real store and a scripted engine: targets on two base models become one
// `perplexity` job per base model with each row kept in its place, progress is reported with the row's
// index in the whole table, and evaluate.cancel stops a running evaluation with a message in words.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineCallOptions } from '../../src/main/engine-host/engine-host'
import { createEvaluationService } from '../../src/main/evaluate/evaluation-service'
import { createEventBus } from '../../src/main/event-bus'
import type { EngineCaller } from '../../src/main/runs/run-service'
import { openStore, type Store } from '../../src/main/store/store'
import type { EvaluateProgressEvent, PerplexityJobInput } from '../../src/shared/evaluation'
import { ServiceError } from '../../src/shared/errors'
import { requireFixture, tinyModelDir } from '../unit/engine/fixtures-dir'

const work = mkdtempSync(join(tmpdir(), 'evaluation-service-'))
const modelA = join(work, 'model-a')
const modelB = join(work, 'model-b')
const adapterDir = resolve(import.meta.dirname, '../fixtures/perplexity/adapter')
const samplesFile = join(work, 'ids.jsonl')
requireFixture(tinyModelDir)
let store: Store

beforeAll(() => {
  for (const dir of [modelA, modelB]) {
    mkdirSync(dir)
    copyFileSync(join(tinyModelDir, 'model', 'config.json'), join(dir, 'config.json'))
  }
  writeFileSync(samplesFile, JSON.stringify({ input_ids: [1, 2, 3, 4] }) + '\n')
  store = openStore(join(work, 'studio.db'))
})
afterAll(() => {
  store.close()
  rmSync(work, { recursive: true, force: true })
})

type Scripted = (input: PerplexityJobInput, options: EngineCallOptions) => Promise<unknown>

function service(script: Scripted) {
  const events = createEventBus()
  const calls: PerplexityJobInput[] = []
  const engine = {
    call: (job: string, input: PerplexityJobInput, options: EngineCallOptions = {}) => {
      expect(job).toBe('perplexity')
      calls.push(input)
      return script(input, options)
    }
  } as unknown as EngineCaller
  const progress: EvaluateProgressEvent[] = []
  events.on('evaluate.progress', (e) => progress.push(e))
  return {
    evaluation: createEvaluationService({ store, engine, events, runsDir: join(work, 'runs') }),
    calls,
    progress
  }
}

describe('evaluate service', () => {
  it('runs one job per base model and keeps every row in its place', async () => {
    const { evaluation, calls, progress } = service(async (input, options) => {
      input.adapterPaths.forEach((_, target) =>
        options.onEvent?.({
          kind: 'event',
          id: 1,
          event: 'perplexityProgress',
          data: { target, targets: input.adapterPaths.length, windowsDone: 1, windowsTotal: 1 }
        })
      )
      const base = input.modelPath === modelA ? 1 : 2
      return {
        results: input.adapterPaths.map((a) => ({ loss: base + (a ? 0.5 : 0), perplexity: 0, tokens: 3 })),
        maxLength: 128,
        stride: 64,
        texts: 1,
        windows: 1,
        elapsedMs: 1
      }
    })
    const report = await evaluation.perplexity({
      progressId: 'p1',
      targets: [
        { modelPath: modelA },
        { modelPath: modelB },
        { modelPath: modelA, adapter: { kind: 'path', path: adapterDir } }
      ],
      source: { kind: 'file', path: samplesFile }
    })
    expect(calls.map((c) => [c.modelPath, c.adapterPaths, c.samplesFile])).toEqual([
      [modelA, [null, adapterDir], samplesFile],
      [modelB, [null], samplesFile]
    ])
    expect(report.rows.map((r) => [r.target.modelPath, r.target.adapterPath, r.loss])).toEqual([
      [modelA, null, 1],
      [modelB, null, 2],
      [modelA, adapterDir, 1.5]
    ])
    expect(report).toMatchObject({
      id: null,
      runId: null,
      sourceLabel: 'ids.jsonl',
      maxLength: 128,
      stride: 64
    })
    expect(progress.map((p) => [p.progressId, p.target, p.targets])).toEqual([
      ['p1', 0, 3],
      ['p1', 2, 3],
      ['p1', 1, 3]
    ])
  })

  it("keeps a run's report with it, oldest first, and forgets it with the run", async () => {
    const { evaluation } = service(async (input) => ({
      results: input.adapterPaths.map(() => ({ loss: 2, perplexity: Math.exp(2), tokens: 3 })),
      maxLength: 128,
      stride: 64,
      texts: 1,
      windows: 1,
      elapsedMs: 1
    }))
    const run = store.runs.create({ name: 'r', config: {}, baseModel: modelA })
    const ask = {
      targets: [{ modelPath: modelA }],
      source: { kind: 'file' as const, path: samplesFile },
      runId: run.id
    }
    const first = await evaluation.perplexity(ask)
    const second = await evaluation.perplexity(ask)
    expect(first.id).toEqual(expect.any(Number))
    const kept = await evaluation.handlers.list({ runId: run.id })
    expect(kept.map((r) => [r.id, r.rows[0].loss, r.rows[0].target.modelPath])).toEqual([
      [first.id, 2, modelA],
      [second.id, 2, modelA]
    ])
    store.runs.delete(run.id)
    expect(store.db.prepare('select count(*) as n from evaluations').get()).toEqual({ n: 0 })
  })

  it('refuses a run that does not exist, naming the field', async () => {
    const { evaluation, calls } = service(async () => ({}))
    const err = await evaluation
      .perplexity({
        targets: [{ modelPath: modelA }],
        source: { kind: 'file', path: samplesFile },
        runId: 99
      })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ServiceError)
    expect((err as ServiceError).message).toBe('runId: run 99 does not exist; list runs to see their ids')
    expect(calls).toEqual([])
  })

  it('stops a running evaluation on evaluate.cancel', async () => {
    const { evaluation } = service(
      (_input, options) =>
        new Promise((_resolve, reject) =>
          options.signal?.addEventListener('abort', () =>
            reject(new ServiceError('cancelled', 'This operation was aborted'))
          )
        )
    )
    const running = evaluation.perplexity({
      progressId: 'p2',
      targets: [{ modelPath: modelA }],
      source: { kind: 'file', path: samplesFile }
    })
    await new Promise((r) => setTimeout(r, 10))
    expect(await evaluation.handlers.cancel({ progressId: 'p2' })).toEqual({ cancelled: true })
    await expect(running).rejects.toThrow('The evaluation was stopped; nothing of it was kept.')
    expect(await evaluation.handlers.cancel({ progressId: 'p2' })).toEqual({ cancelled: false })
  })
})
