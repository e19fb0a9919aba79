// Continuing training from an earlier adapter, with a real engine, real SQLite and the tiny fixture
// model: a config that asks for another LoRA shape than the adapter has is refused in words before a
// run row exists (the UI used to send r 8 for an r 16 adapter and get a run that failed, and whose
// Resume failed again); a run continues from any checkpoint (API and `train --continue-from RUN:STEP`);
// a PEFT folder's settings are inherited; the lineage (parent run and step) is stored and listed.
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openAppContext, type AppContext } from '../../src/main/app-context'
import type { CliIo } from '../../src/main/cli/cli-verb'
import { runsVerb } from '../../src/main/cli/verbs/runs-verb'
import { trainVerb } from '../../src/main/cli/verbs/train-verb'
import { createNodeEngineSpawner } from '../../src/main/engine-host/node-engine-spawner'
import { Rng } from '../../src/engine/generation/rng'
import { ServiceError } from '../../src/shared/errors'
import { runDefaults, type RunConfigPatchValues } from '../../src/shared/runs'
import { requireFixture, tinyModelDir } from '../unit/engine/fixtures-dir'

const work = mkdtempSync(join(tmpdir(), 'continue-from-'))
const dataDir = join(work, 'data')
const trainFile = join(work, 'train.jsonl')
requireFixture(tinyModelDir)
let ctx: AppContext
let parentId: number

const lora = { r: 4, alpha: 8, dropout: 0.1, targetModules: ['attn.c_attn', 'attn.c_proj'], rsLora: false }
/** The parent's settings: 8 steps on the tiny model, a checkpoint every 4. */
const parentSettings: RunConfigPatchValues = { maxLength: 24, batchSize: 2, saveEvery: 4, learningRate: 1e-2 }
const config = (extra: RunConfigPatchValues = {}): RunConfigPatchValues => {
  const source = { baseModel: join(tinyModelDir, 'model'), data: { kind: 'file', path: trainFile } } as const
  return { ...source, ...parentSettings, maxSteps: 8, lora, ...extra }
}

/** What the Train form sends: every field, the LoRA ones included. */
const formConfig = (extra: RunConfigPatchValues): RunConfigPatchValues => ({
  ...runDefaults,
  ...config({ maxSteps: 2 }),
  ...extra
})

/** The ServiceError `work` is refused with (the test fails when it is not refused). */
async function refusal(work: Promise<unknown>): Promise<ServiceError> {
  try {
    await work
  } catch (err) {
    expect(err).toBeInstanceOf(ServiceError)
    return err as ServiceError
  }
  return expect.fail('expected a refusal')
}

function captured(): { io: CliIo; out: string[] } {
  const out: string[] = []
  return { io: { out: (t) => out.push(t), err: () => undefined }, out }
}

beforeAll(async () => {
  const rng = new Rng(5)
  const lines = Array.from({ length: 8 }, () =>
    JSON.stringify({ input_ids: Array.from({ length: 8 + rng.nextInt(12) }, () => rng.nextInt(999)) })
  )
  writeFileSync(trainFile, lines.join('\n') + '\n')
  ctx = await openAppContext({
    dataDir,
    mode: 'cli',
    engineSpawner: createNodeEngineSpawner({ env: { LORA_STUDIO_BACKEND: 'wasm' } })
  })
  const parent = await ctx.handlers.runs.start({ name: 'r4 parent', config: config() })
  await ctx.runs.settled(parent.id)
  parentId = parent.id
  expect((await ctx.handlers.runs.get({ id: parentId })).status).toBe('completed')
})

afterAll(async () => {
  await ctx?.close()
  rmSync(work, { recursive: true, force: true })
})

describe('continue from an adapter', () => {
  it('refuses a config asking r 2 for an r 4 adapter, in words, before a run row exists', async () => {
    const before = (await ctx.handlers.runs.list({})).length
    const err = await refusal(
      ctx.handlers.runs.start({
        name: 'wrong r',
        continueFrom: parentId,
        config: formConfig({ lora: { ...lora, r: 2 }, initAdapter: join(dataDir, 'runs', '1', 'adapter') })
      })
    )
    expect(err.code).toBe('invalid_input')
    expect(err.message).toMatch(/^Run 1 "r4 parent" \(its adapter at step 8\) has LoRA r 4, alpha 8 on/)
    expect(err.message).toMatch(/this run asks lora\.r 2\. A run that continues an adapter keeps its r/)
    expect(err.issues).toEqual([
      { path: 'config.lora.r', message: 'must be 4, as in the adapter this run continues' }
    ])
    expect((await ctx.handlers.runs.list({})).length).toBe(before)
    expect(readdirSync(join(dataDir, 'runs')).sort()).toEqual(['1'])
  })

  it('tells what a checkpoint gives the run continuing it', async () => {
    const info = await ctx.handlers.runs.continueSource({ runId: parentId, step: 4 })
    const cp = (await ctx.handlers.runs.checkpoints({ id: parentId })).find((c) => c.step === 4)!
    expect(info).toEqual({
      adapterPath: join(cp.path, 'adapter'),
      lora,
      baseModel: join(tinyModelDir, 'model'),
      template: runDefaults.template,
      parent: { runId: parentId, runName: 'r4 parent', step: 4 }
    })
    const err = await refusal(ctx.handlers.runs.continueSource({ runId: parentId, step: 5 }))
    expect(err.message).toBe(
      'continueFromStep: run 1 has no checkpoint at step 5; its checkpoints are at steps: 4, 8'
    )
  })

  it('continues from a checkpoint and records the parent run and step', async () => {
    const run = await ctx.handlers.runs.start({
      name: 'from step 4',
      continueFrom: parentId,
      continueFromStep: 4,
      config: formConfig({})
    })
    await ctx.runs.settled(run.id)
    const done = await ctx.handlers.runs.get({ id: run.id })
    expect(done).toMatchObject({ status: 'completed', step: 2, parentRunId: parentId, parentStep: 4 })
    const cp = (await ctx.handlers.runs.checkpoints({ id: parentId })).find((c) => c.step === 4)!
    expect(done.config.initAdapter).toBe(join(cp.path, 'adapter'))
    const listed = (await ctx.handlers.runs.list({})).find((r) => r.id === run.id)
    expect(listed).toMatchObject({ parentRunId: parentId, parentStep: 4 })
  })

  it('`train --continue-from RUN:STEP` continues that checkpoint; `runs --json` carries the lineage', async () => {
    const train = captured()
    const code = await trainVerb.run({
      values: { 'continue-from': `${parentId}:8`, data: trainFile, 'max-steps': '2' },
      positionals: [],
      json: true,
      dataDir,
      io: train.io,
      openContext: async () => ctx
    })
    expect(code).toBe(0)
    const list = captured()
    await runsVerb.run({
      values: {},
      positionals: [],
      json: true,
      dataDir,
      io: list.io,
      openContext: async () => ctx
    })
    const rows = JSON.parse(list.out.join('\n')) as { id: number; continued_from: unknown; status: string }[]
    const newest = rows[0]
    expect(newest.status).toBe('completed')
    expect(newest.continued_from).toEqual({ run_id: parentId, step: 8 })
    expect(rows.find((r) => r.id === parentId)?.continued_from).toBeNull()
    const err = await refusal(
      trainVerb.run({
        values: { 'continue-from': `${parentId}:x`, data: trainFile },
        positionals: [],
        json: true,
        dataDir,
        io: captured().io,
        openContext: async () => ctx
      })
    )
    expect(err.message).toMatch(/--continue-from must be a run id, or RUN_ID:STEP/)
  })

  it('takes an imported PEFT folder’s LoRA settings, and refuses others for it', async () => {
    const folder = join(work, 'imported-adapter')
    cpSync(join(dataDir, 'runs', '1', 'adapter'), folder, { recursive: true })
    const before = (await ctx.handlers.runs.list({})).length
    const err = await refusal(
      ctx.handlers.runs.start({
        config: config({ maxSteps: 2, initAdapter: folder, lora: { ...lora, alpha: 16 } })
      })
    )
    expect(err.message).toMatch(
      new RegExp(`^The adapter in ${folder} has LoRA r 4, alpha 8 on .*asks lora\\.alpha 16`)
    )
    expect(err.issues?.[0].path).toBe('config.lora.alpha')
    expect((await ctx.handlers.runs.list({})).length).toBe(before)
    const { lora: _l, ...noLora } = config({ maxSteps: 2, initAdapter: folder })
    const run = await ctx.handlers.runs.start({ name: 'from folder', config: noLora })
    await ctx.runs.settled(run.id)
    const done = await ctx.handlers.runs.get({ id: run.id })
    expect(done.status).toBe('completed')
    expect(done.config.lora).toEqual(lora)
    expect(done.parentRunId).toBeNull()
  })
})
