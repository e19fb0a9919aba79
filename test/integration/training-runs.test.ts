// Training runs end to end with a real engine process and the tiny fixture model: a run's metrics
// and checkpoints land in SQLite as they arrive; `kill -9` of the engine mid-run leaves it failed
// and resumable from its last checkpoint, and resuming completes it with the same losses; pause
// in place; runs left running by a dead process come back as interrupted.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/main/app-context'
import { claimRun } from '../../src/main/runs/run-owner'
import { Rng } from '../../src/engine/generation/rng'
import type { RunConfigPatchValues, RunProgressEvent } from '../../src/shared/runs'
import { requireFixture, tinyModelDir } from '../unit/engine/fixtures-dir'
import { nextProgress, tinyRunConfig, openWasmContext } from './tiny-training'

const work = mkdtempSync(join(tmpdir(), 'training-runs-'))
const dataDir = join(work, 'data')
const trainFile = join(work, 'train.jsonl')
requireFixture(tinyModelDir)
let ctx: AppContext
const progress: RunProgressEvent[] = []

const config = (extra: RunConfigPatchValues = {}): RunConfigPatchValues =>
  tinyRunConfig(trainFile, { maxSteps: 16, saveEvery: 4, ...extra })

function open(): Promise<AppContext> {
  return openWasmContext(dataDir)
}

function waitFor(pred: (e: RunProgressEvent) => boolean): Promise<RunProgressEvent> {
  return nextProgress(ctx, pred)
}

beforeAll(async () => {
  const rng = new Rng(3)
  const lines = Array.from({ length: 10 }, () =>
    JSON.stringify({ input_ids: Array.from({ length: 8 + rng.nextInt(12) }, () => rng.nextInt(999)) })
  )
  writeFileSync(trainFile, lines.join('\n') + '\n')
  ctx = await open()
  ctx.events.on('run.progress', (e) => progress.push(e))
})

afterAll(async () => {
  await ctx?.close()
  rmSync(work, { recursive: true, force: true })
})

describe('training runs with a real engine', () => {
  let reference: Map<number, number>

  it('trains a run to completion and persists every metric and checkpoint', async () => {
    const run = await ctx.handlers.runs.start({ name: 'reference', config: config() })
    expect(run.estimate?.trainableLine).toMatch(/^trainable params: 3,072 \|\| all params: /)
    await ctx.runs.settled(run.id)
    const done = await ctx.handlers.runs.get({ id: run.id })
    expect(done.status).toBe('completed')
    expect(done.step).toBe(16)
    expect(done.adapterPath).toBe(join(dataDir, 'runs', String(run.id), 'adapter'))
    expect(done.peakRssBytes).toBeGreaterThan(0)
    const metrics = await ctx.handlers.runs.metrics({ id: run.id, afterStep: -1 })
    expect(metrics.map((m) => m.step)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1))
    reference = new Map(metrics.map((m) => [m.step, m.trainLoss!]))
    const cps = await ctx.handlers.runs.checkpoints({ id: run.id })
    expect(cps.map((c) => c.step)).toEqual([4, 8, 12, 16])
    expect(progress.some((e) => e.runId === run.id && e.metric?.step === 16)).toBe(true)
    // The summary line comes with its facts, for the renderer to word in the person's language.
    expect(progress.find((e) => e.runId === run.id && e.note)).toMatchObject({
      message: expect.stringMatching(/^training 10 samples of up to 24 tokens, 16 steps, \d+ workers?/),
      note: { kind: 'started', samples: 10, validationSamples: 0, maxLength: 24, steps: 16 }
    })
  })

  it('measures two real steps before a run starts (dry run) and leaves nothing behind', async () => {
    const estimate = await ctx.handlers.runs.estimate({ config: config(), measure: true })
    expect(estimate.trainableLine).toMatch(/^trainable params: 3,072/)
    expect(estimate.dryRun?.totalSteps).toBe(16)
    expect(estimate.dryRun?.stepS).toBeGreaterThan(0)
    expect(estimate.dryRun?.etaS).toBeCloseTo(estimate.dryRun!.stepS * 16, 6)
    expect(readdirSync(join(dataDir, 'runs')).filter((n) => n.startsWith('.'))).toEqual([])
  })

  it('marks the run failed when the engine is killed, and resumes it from its last checkpoint', async () => {
    const run = await ctx.handlers.runs.start({ name: 'killed', config: config() })
    await waitFor((e) => e.runId === run.id && e.metric?.step === 6)
    process.kill(ctx.engine.pid!, 'SIGKILL')
    await ctx.runs.settled(run.id)
    const failed = await ctx.handlers.runs.get({ id: run.id })
    expect(failed.status).toBe('failed')
    expect(failed.message).toMatch(
      /engine stopped while training.*SIGKILL.*Resume continues from its checkpoint at step 4/s
    )
    const before = await ctx.handlers.runs.metrics({ id: run.id, afterStep: -1 })
    expect(before.length).toBeGreaterThanOrEqual(6)

    await ctx.handlers.runs.resume({ id: run.id })
    await ctx.runs.settled(run.id)
    const resumed = await ctx.handlers.runs.get({ id: run.id })
    expect(resumed.status).toBe('completed')
    const metrics = await ctx.handlers.runs.metrics({ id: run.id, afterStep: -1 })
    expect(metrics.map((m) => m.step)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1))
    for (const m of metrics) expect(Math.abs(m.trainLoss! - reference.get(m.step)!)).toBeLessThanOrEqual(1e-5)
  })

  it('queues a second run behind the first, and continues a finished run on new data', async () => {
    const moreData = join(work, 'more.jsonl')
    const rng = new Rng(4)
    writeFileSync(
      moreData,
      Array.from({ length: 6 }, () =>
        JSON.stringify({ input_ids: Array.from({ length: 12 }, () => rng.nextInt(999)) })
      ).join('\n')
    )
    const next = await ctx.handlers.runs.start({
      name: 'next data file',
      continueFrom: 1,
      config: { data: { kind: 'file', path: moreData }, maxSteps: 4 }
    })
    const queued = await ctx.handlers.runs.start({ name: 'queued', config: config({ maxSteps: 2 }) })
    expect((await ctx.handlers.runs.get({ id: queued.id })).status).toBe('queued')
    await ctx.runs.settled(queued.id)
    const cont = await ctx.handlers.runs.get({ id: next.id })
    expect(cont.message).toBeNull()
    expect(cont).toMatchObject({ status: 'completed', parentRunId: 1, step: 4 })
    expect(cont.config.initAdapter).toBe(join(dataDir, 'runs', '1', 'adapter'))
    expect(cont.config.lora).toEqual((await ctx.handlers.runs.get({ id: 1 })).config.lora)
    expect((await ctx.handlers.runs.get({ id: queued.id })).status).toBe('completed')
  })

  it('pauses in place, resumes, and stops with a checkpoint', async () => {
    const run = await ctx.handlers.runs.start({ name: 'paused', config: config({ maxSteps: 40 }) })
    await waitFor((e) => e.runId === run.id && e.metric?.step === 2)
    await ctx.handlers.runs.pause({ id: run.id })
    await waitFor((e) => e.runId === run.id && e.status === 'paused')
    const paused = await ctx.handlers.runs.get({ id: run.id })
    expect(paused.status).toBe('paused')
    const cps = await ctx.handlers.runs.checkpoints({ id: run.id })
    expect(cps.at(-1)?.reason).toBe('pause')
    await ctx.handlers.runs.resume({ id: run.id })
    await waitFor((e) => e.runId === run.id && (e.metric?.step ?? 0) >= paused.step + 2)
    const stopped = await ctx.handlers.runs.stop({ id: run.id })
    expect(stopped.status).toBe('stopped')
    const last = (await ctx.handlers.runs.checkpoints({ id: run.id })).at(-1)
    expect(last?.step).toBe(stopped.step)
    expect(stopped.step).toBeLessThan(40)
  })

  it('marks runs left running by a dead process as interrupted on the next start', async () => {
    const run = await ctx.handlers.runs.get({ id: 1 })
    ctx.store.runs.update(run.id, { status: 'running' })
    claimRun(ctx.store.db, run.id, 2 ** 22 + 12345)
    await ctx.close()
    ctx = await open()
    const after = await ctx.handlers.runs.get({ id: run.id })
    expect(after.status).toBe('interrupted')
    expect(after.message).toMatch(/closed while this run was training/)
  })
})
