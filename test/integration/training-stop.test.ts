// Stop and quit at any moment of a run, with a real engine process and the tiny fixture model: Stop
// sent right after start (the engine still loading) ends the run `stopped` at once; quitting the app
// (AppContext.close) while a run loads or trains returns in bounded time, with a checkpoint once a
// step has been taken, and a repeated quit waits for that same checkpoint.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/main/app-context'
import type { RunConfigPatchValues, RunProgressEvent } from '../../src/shared/runs'
import { requireFixture, tinyModelDir } from '../unit/engine/fixtures-dir'
import { writeRandomRecords } from '../unit/training/tiny-runs'
import { openWasmContext, tinyRunConfig } from './tiny-training'

const work = mkdtempSync(join(tmpdir(), 'training-stop-'))
const trainFile = join(work, 'train.jsonl')
requireFixture(tinyModelDir)
const opened: AppContext[] = []

/** Long enough that a run which ignores Stop trains far past every bound below. */
const config = (extra: RunConfigPatchValues = {}): RunConfigPatchValues =>
  tinyRunConfig(trainFile, { maxSteps: 20_000, saveEvery: 10_000, ...extra })

async function open(name: string): Promise<AppContext> {
  const ctx = await openWasmContext(join(work, name))
  opened.push(ctx)
  return ctx
}

/** `promise`, or a rejection naming what did not happen within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms / 1000} s`)), ms)
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

function stepReached(ctx: AppContext, runId: number, step: number): Promise<RunProgressEvent> {
  return new Promise((resolve) => {
    const off = ctx.events.on('run.progress', (e) => {
      if (e.runId === runId && (e.metric?.step ?? 0) >= step) {
        off()
        resolve(e)
      }
    })
  })
}

beforeAll(() => {
  writeRandomRecords(trainFile, { seed: 5, count: 10, minLength: 8, spread: 12, promptLength: 0 })
})

afterAll(async () => {
  for (const ctx of opened) {
    // A context whose run ignored Stop would wait for the whole run: end its engine first.
    const pid = ctx.engine.pid
    if (pid !== null) process.kill(pid, 'SIGKILL')
    await ctx.close().catch(() => undefined)
  }
  rmSync(work, { recursive: true, force: true })
})

describe('Stop and quit at any moment of a run', () => {
  it('ends a run stopped within 5 s when Stop comes right after start, while the engine loads', async () => {
    const ctx = await open('stop-at-start')
    const t0 = performance.now()
    const run = await ctx.handlers.runs.start({ name: 'stop at once', config: config() })
    const stopped = await within(ctx.handlers.runs.stop({ id: run.id }), 20_000, 'the stop')
    const seconds = (performance.now() - t0) / 1000
    expect(stopped.status).toBe('stopped')
    expect(stopped.step).toBe(0)
    expect(stopped.message).toMatch(/before (its first step|training started)/)
    expect(seconds).toBeLessThan(5)
    expect((await ctx.handlers.runs.checkpoints({ id: run.id })).length).toBe(0)
    // The engine is still there for the next run.
    const next = await ctx.handlers.runs.start({ name: 'after', config: config({ maxSteps: 2 }) })
    await within(ctx.runs.settled(next.id), 30_000, 'the next run')
    expect((await ctx.handlers.runs.get({ id: next.id })).status).toBe('completed')
  })

  it('quits within 30 s while a run is loading: the run ends stopped, nothing trained', async () => {
    const ctx = await open('quit-while-loading')
    const run = await ctx.handlers.runs.start({ name: 'quit while loading', config: config() })
    const t0 = performance.now()
    await within(ctx.close(), 30_000, 'quitting')
    expect((performance.now() - t0) / 1000).toBeLessThan(30)
    const again = await open('quit-while-loading')
    const after = await again.handlers.runs.get({ id: run.id })
    expect(after.status).toBe('stopped')
    expect(after.step).toBe(0)
  })

  it('quits within 30 s while a run trains, with a checkpoint at its last step, even when quit twice', async () => {
    const ctx = await open('quit-while-training')
    const run = await ctx.handlers.runs.start({ name: 'quit while training', config: config() })
    await within(stepReached(ctx, run.id, 3), 30_000, 'step 3')
    const t0 = performance.now()
    const first = ctx.close()
    const second = ctx.close()
    await within(Promise.all([first, second]), 30_000, 'quitting')
    expect((performance.now() - t0) / 1000).toBeLessThan(30)
    const again = await open('quit-while-training')
    const after = await again.handlers.runs.get({ id: run.id })
    expect(after.status).toBe('stopped')
    expect(after.step).toBeGreaterThanOrEqual(3)
    const last = (await again.handlers.runs.checkpoints({ id: run.id })).at(-1)
    expect(last?.step).toBe(after.step)
    expect(existsSync(join(last!.path, 'optimizer.safetensors'))).toBe(true)
  })
})
