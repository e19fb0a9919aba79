// A run that continues another's adapter keeps working when the parent's files go before it has a
// checkpoint of its own: the parent pruning the checkpoint it starts from (keep-last) while it waits
// in the queue, or the parent run deleted while it is stopped. Its lineage (parent run and step) stays.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/main/app-context'
import { Rng } from '../../src/engine/generation/rng'
import { requireFixture, tinyModelDir } from '../unit/engine/fixtures-dir'
import { nextProgress, openWasmContext, tinyRunConfig } from './tiny-training'

const work = mkdtempSync(join(tmpdir(), 'continued-run-files-'))
const trainFile = join(work, 'train.jsonl')
requireFixture(tinyModelDir)
let ctx: AppContext

beforeAll(async () => {
  const rng = new Rng(5)
  const lines = Array.from({ length: 10 }, () =>
    JSON.stringify({ input_ids: Array.from({ length: 8 + rng.nextInt(12) }, () => rng.nextInt(999)) })
  )
  writeFileSync(trainFile, lines.join('\n') + '\n')
  ctx = await openWasmContext(join(work, 'data'))
})

afterAll(async () => {
  await ctx?.close()
  rmSync(work, { recursive: true, force: true })
})

describe('a continued run without a checkpoint of its own', () => {
  it('trains after its parent dropped the checkpoint it starts from, or was deleted', async () => {
    const runs = ctx.handlers.runs
    const data = { kind: 'file' as const, path: trainFile }
    const parent = await runs.start({
      name: 'parent',
      config: tinyRunConfig(trainFile, { maxSteps: 4, saveEvery: 2 })
    })
    const deletedParent = await runs.start({
      name: 'parent deleted',
      config: tinyRunConfig(trainFile, { maxSteps: 2 })
    })
    await ctx.runs.settled(deletedParent.id)
    expect((await runs.get({ id: parent.id })).status).toBe('completed')

    // A long run, paused, holds the engine: what starts next waits in the queue.
    const blocker = await runs.start({
      name: 'ahead',
      config: tinyRunConfig(trainFile, { maxSteps: 10_000 })
    })
    await nextProgress(ctx, (e) => e.runId === blocker.id && e.metric !== undefined)
    const paused = nextProgress(ctx, (e) => e.runId === blocker.id && e.status === 'paused')
    await runs.pause({ id: blocker.id })
    await paused

    const fromCheckpoint = await runs.start({
      name: 'from step 4',
      continueFrom: parent.id,
      continueFromStep: 4,
      config: { data, maxSteps: 2 }
    })
    const fromDeleted = await runs.start({
      name: 'from deleted',
      continueFrom: deletedParent.id,
      config: { data, maxSteps: 2 }
    })
    expect((await runs.get({ id: fromCheckpoint.id })).status).toBe('queued')
    // The parent goes back to step 2 (its step-4 checkpoint deleted) and is stopped there; the other is deleted.
    await runs.resume({ id: parent.id, checkpointStep: 2 })
    await runs.stop({ id: parent.id })
    expect(existsSync(join(ctx.paths.runs, String(parent.id), 'checkpoints', 'step-4'))).toBe(false)
    await runs.delete({ id: deletedParent.id })
    expect(existsSync(join(ctx.paths.runs, String(deletedParent.id)))).toBe(false)

    await runs.stop({ id: blocker.id })
    await ctx.runs.settled(fromCheckpoint.id)
    await ctx.runs.settled(fromDeleted.id)
    const one = await runs.get({ id: fromCheckpoint.id })
    expect([one.status, one.message, one.step]).toEqual(['completed', null, 2])
    expect([one.parentRunId, one.parentStep]).toEqual([parent.id, 4])
    const two = await runs.get({ id: fromDeleted.id })
    expect([two.status, two.message, two.step]).toEqual(['completed', null, 2])
    // The schema forgets a deleted parent (on delete set null); the step it continued from stays.
    expect([two.parentRunId, two.parentStep]).toEqual([null, 2])
  })
})
