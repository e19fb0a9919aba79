// The run service's stop and quit against a stand-in engine that never answers: Stop while the
// engine is still starting ends the run stopped at once, and quitting while a run cannot finish its
// checkpoint returns after the grace time with the run left interrupted and resumable, saying why.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createEventBus } from '../../../src/main/event-bus'
import type { EngineCallOptions } from '../../../src/main/engine-host/engine-host'
import type { TokenSample } from '../../../src/main/runs/run-data'
import {
  createRunService,
  QUIT_TIMEOUT_MESSAGE,
  type EngineCaller,
  type RunService
} from '../../../src/main/runs/run-service'
import { ServiceError } from '../../../src/shared/errors'
import type { TrainJobInput, TrainJobOutput, TrainProgress } from '../../../src/shared/training-protocol'
import { openStore, type Store } from '../../../src/main/store/store'
import type { EngineJobName, EngineJobs } from '../../../src/shared/engine-protocol'
import type { RunEstimate } from '../../../src/shared/runs'
import { tinyModelDir } from '../engine/fixtures-dir'

const estimate: RunEstimate = {
  trainableLine: 'trainable params: 1 || all params: 2 || trainable%: 50.0000',
  trainableParams: 1,
  allParams: 2,
  memory: { totalBytes: 1, tensorBytes: 1, components: [] }
} as unknown as RunEstimate

/**
 * Answers the estimate (and `systemInfo` once `engineReady`); every other job never answers, except
 * that a `train` job whose signal aborts is answered `cancelled`, as the engine answers a stop in set-up.
 */
function hangingEngine(
  calls: string[],
  engineReady: boolean,
  trained: number[] = [],
  answersStop = true
): EngineCaller {
  return {
    call<J extends EngineJobName>(
      job: J,
      input: EngineJobs[J]['input'],
      options?: EngineCallOptions
    ): Promise<EngineJobs[J]['output']> {
      calls.push(job)
      if (job === 'estimateRun') return Promise.resolve(estimate as EngineJobs[J]['output'])
      if (job === 'systemInfo' && engineReady)
        return Promise.resolve({ backend: { name: 'cpu' } } as EngineJobs[J]['output'])
      if (job === 'train') trained.push((input as TrainJobInput).runId)
      return new Promise<EngineJobs[J]['output']>((_, reject) => {
        if (job === 'train' && answersStop && options?.signal) {
          options.signal.addEventListener('abort', () =>
            reject(new ServiceError('cancelled', 'train was cancelled'))
          )
        }
      })
    }
  }
}

let work: string
let store: Store
let calls: string[]

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'run-stop-'))
  writeFileSync(join(work, 'train.jsonl'), '{"input_ids": [1, 2, 3]}\n')
  store = openStore(join(work, 'studio.db'))
  calls = []
})

function service(engineReady: boolean, answersStop = true): RunService {
  return createRunService({
    store,
    engine: hangingEngine(calls, engineReady, [], answersStop),
    events: createEventBus(),
    runsDir: join(work, 'runs')
  })
}

afterEach(() => {
  store.close()
  rmSync(work, { recursive: true, force: true })
})

const start = (runs: RunService) =>
  runs.handlers.start({
    config: {
      baseModel: join(tinyModelDir, 'model'),
      maxLength: 64,
      data: { kind: 'file', path: join(work, 'train.jsonl') }
    }
  })

describe('stop and quit with an engine that does not answer', () => {
  it('stops a run at once while its engine is still starting', async () => {
    const runs = service(false)
    const run = await start(runs)
    expect(calls).toContain('systemInfo')
    const t0 = performance.now()
    const stopped = await runs.handlers.stop({ id: run.id })
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(stopped.status).toBe('stopped')
    expect(stopped.message).toBe('Stopped before training started; nothing was trained.')
    expect(calls).not.toContain('train')
  })

  it('returns from quit after the grace time and leaves a run that cannot checkpoint interrupted', async () => {
    const runs = service(true, false)
    const run = await start(runs)
    // The train job is sent and never answers, as an engine stuck writing its checkpoint would not.
    while (!calls.includes('train')) await new Promise((resolve) => setImmediate(resolve))
    const t0 = performance.now()
    await runs.shutdown(200)
    const ms = performance.now() - t0
    expect(ms).toBeGreaterThanOrEqual(190)
    expect(ms).toBeLessThan(2000)
    const after = store.runs.get(run.id)!
    expect(after.status).toBe('interrupted')
    expect(after.error).toBe(QUIT_TIMEOUT_MESSAGE)
    expect(QUIT_TIMEOUT_MESSAGE).toMatch(/Resume continues from its last checkpoint/)
  })

  it('after quit gave up, ignores a late pause report and records the late stop answer', async () => {
    let answer: ((out: TrainJobOutput) => void) | undefined
    let report: EngineCallOptions['onEvent']
    const engine: EngineCaller = {
      call<J extends EngineJobName>(job: J, _input: EngineJobs[J]['input'], options?: EngineCallOptions) {
        if (job === 'estimateRun') return Promise.resolve(estimate as EngineJobs[J]['output'])
        if (job === 'systemInfo')
          return Promise.resolve({ backend: null } as unknown as EngineJobs[J]['output'])
        report = options?.onEvent
        return new Promise<EngineJobs[J]['output']>((resolve) => {
          answer = (out) => resolve(out as EngineJobs[J]['output'])
        })
      }
    }
    const runs = createRunService({ store, engine, events: createEventBus(), runsDir: join(work, 'runs') })
    const run = await start(runs)
    while (!answer) await new Promise((resolve) => setImmediate(resolve))
    await runs.shutdown(50)
    expect(store.runs.get(run.id)?.status).toBe('interrupted')
    const paused: TrainProgress = { kind: 'status', status: 'paused', message: null }
    report?.({ kind: 'event', id: 1, event: 'trainProgress', data: paused })
    expect(store.runs.get(run.id)?.status).toBe('interrupted')
    answer({
      status: 'stopped',
      step: 4,
      totalSteps: 10,
      message: 'Stopped at step 4 of 10; resume continues from here.',
      adapterPath: null,
      lastCheckpoint: null,
      peakRssBytes: 1,
      peakTfBytes: 1
    })
    await runs.settled(run.id)
    expect(store.runs.get(run.id)).toMatchObject({ status: 'stopped', step: 4 })
  })

  it('stops a run whose data are still being prepared without taking another run out of the queue', async () => {
    const trained: number[] = []
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    const dataset = store.datasets.createWithRecords(
      { name: 'slow', format: 'text', settings: {}, sources: [] },
      []
    )
    const sample: TokenSample = { inputIds: [1, 2, 3], labels: [1, 2, 3] }
    const runs = createRunService({
      store,
      engine: hangingEngine(calls, true, trained),
      events: createEventBus(),
      runsDir: join(work, 'runs'),
      datasetSamples: async () => {
        await gate
        return { train: [sample], validation: [] }
      }
    })
    const first = await start(runs)
    const second = await start(runs)
    while (!trained.includes(first.id)) await new Promise((resolve) => setImmediate(resolve))
    expect(store.runs.get(second.id)?.status).toBe('queued')
    const creating = runs.handlers.start({
      config: {
        baseModel: join(tinyModelDir, 'model'),
        maxLength: 64,
        data: { kind: 'dataset', id: dataset.id }
      }
    })
    let third: number | undefined
    while (third === undefined) {
      await new Promise((resolve) => setImmediate(resolve))
      third = store.runs.list().find((r) => r.id > second.id)?.id
    }
    expect((await runs.handlers.stop({ id: third })).status).toBe('stopped')
    release()
    expect((await creating).status).toBe('stopped')
    // The first run stops; the queue moves on to the second, never to the stopped third.
    await runs.handlers.stop({ id: first.id })
    while (trained.length < 2) await new Promise((resolve) => setImmediate(resolve))
    expect(trained).toEqual([first.id, second.id])
    expect(store.runs.get(third)?.status).toBe('stopped')
  })
})
