// Resume checks a run's files before it touches its history, with a real engine and the tiny fixture
// model: a damaged checkpoint or a deleted run folder is refused with a message naming what is wrong,
// and the run keeps its status, step, metrics, checkpoints, adapter and files exactly; a run whose
// folder is gone says so in the list and in `runs --json`.
import { readdirSync, rmSync, statSync, truncateSync } from 'node:fs'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../src/main/app-context'
import { runsVerb } from '../../src/main/cli/verbs/runs-verb'
import type { RunConfigPatchValues } from '../../src/shared/runs'
import { requireFixture, tinyModelDir } from '../unit/engine/fixtures-dir'
import { writeRandomRecords } from '../unit/training/tiny-runs'
import { tinyRunConfig, openWasmContext } from './tiny-training'

const work = mkdtempSync(join(tmpdir(), 'resume-check-'))
const dataDir = join(work, 'data')
const trainFile = join(work, 'train.jsonl')
requireFixture(tinyModelDir)
let ctx: AppContext

const config = (extra: RunConfigPatchValues = {}): RunConfigPatchValues =>
  tinyRunConfig(trainFile, { maxSteps: 8, saveEvery: 4, ...extra })

/** Every file under `dir` with its size (an empty list when the folder is gone). */
function files(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name)
      const st = statSync(full)
      if (st.isDirectory()) walk(full)
      else out.push(`${relative(dir, full)} ${st.size}`)
    }
  }
  try {
    walk(dir)
  } catch {
    return []
  }
  return out.sort()
}

/** All that resume could change: the run row, its metrics, checkpoints and files. */
async function snapshot(id: number) {
  return {
    run: await ctx.handlers.runs.get({ id }),
    metrics: await ctx.handlers.runs.metrics({ id, afterStep: -1 }),
    checkpoints: await ctx.handlers.runs.checkpoints({ id }),
    files: files(join(dataDir, 'runs', String(id)))
  }
}

async function trained(name: string, extra: RunConfigPatchValues = {}): Promise<number> {
  const run = await ctx.handlers.runs.start({ name, config: config(extra) })
  await ctx.runs.settled(run.id)
  expect((await ctx.handlers.runs.get({ id: run.id })).status).toBe('completed')
  return run.id
}

beforeAll(async () => {
  writeRandomRecords(trainFile, { seed: 7, count: 10, minLength: 8, spread: 12, promptLength: 0 })
  ctx = await openWasmContext(dataDir)
})

afterAll(async () => {
  await ctx?.close()
  rmSync(work, { recursive: true, force: true })
})

describe('resume checks the run before it touches its history', () => {
  it('refuses a checkpoint with a truncated optimizer.safetensors and leaves the run as it was', async () => {
    const id = await trained('truncated optimizer')
    const optimizer = join(dataDir, 'runs', String(id), 'checkpoints', 'step-4', 'optimizer.safetensors')
    truncateSync(optimizer, Math.floor(statSync(optimizer).size / 2))
    const before = await snapshot(id)
    expect(before.checkpoints.map((c) => c.step)).toEqual([4, 8])
    expect(before.run.adapterPath).not.toBeNull()

    const refused = ctx.handlers.runs.resume({ id, checkpointStep: 4 })
    await expect(refused).rejects.toThrow(/optimizer\.safetensors.*(truncated|damaged)/s)
    await expect(refused).rejects.toMatchObject({ code: 'conflict' })
    expect(await snapshot(id)).toEqual(before)
    expect((await ctx.handlers.runs.get({ id })).status).toBe('completed')
  })

  it('refuses a run whose folder was deleted, keeps every row, and lists the folder as missing', async () => {
    const run = await ctx.handlers.runs.start({ name: 'folder deleted', config: config({ maxSteps: 2000 }) })
    await new Promise<void>((resolve) => {
      const off = ctx.events.on('run.progress', (e) => {
        if (e.runId === run.id && (e.metric?.step ?? 0) >= 4) {
          off()
          resolve()
        }
      })
    })
    const id = run.id
    expect((await ctx.handlers.runs.stop({ id })).status).toBe('stopped')
    const kept = await trained('folder kept', { maxSteps: 4 })
    const folder = join(dataDir, 'runs', String(id))
    rmSync(folder, { recursive: true, force: true })
    const before = await snapshot(id)
    expect(before.metrics.length).toBeGreaterThanOrEqual(4)
    expect(before.checkpoints.length).toBeGreaterThanOrEqual(1)

    const refused = ctx.handlers.runs.resume({ id })
    await expect(refused).rejects.toThrow(`run folder ${folder} is missing`)
    expect(await snapshot(id)).toEqual(before)

    const list = await ctx.handlers.runs.list({})
    expect(list.find((r) => r.id === id)?.folderMissing).toBe(true)
    expect(list.find((r) => r.id === kept)?.folderMissing).toBe(false)

    const out: string[] = []
    await runsVerb.run({
      values: {},
      positionals: [],
      json: true,
      dataDir,
      io: { out: (text) => out.push(text), err: () => undefined },
      openContext: async () => ctx
    })
    const rows = JSON.parse(out.join('\n')) as { id: number; folder_missing: boolean }[]
    expect(rows.find((r) => r.id === id)?.folder_missing).toBe(true)
    expect(rows.find((r) => r.id === kept)?.folder_missing).toBe(false)
  })
})
