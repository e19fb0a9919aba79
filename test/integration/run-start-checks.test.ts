// runs.start refuses what would fail a run seconds later, before any run row exists, naming the field:
// a dataset that does not exist (was a foreign-key `internal` error), a max length beyond the model's
// context and a model whose weights cannot be read (were accepted and left `failed` runs).
import { cpSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openAppContext, type AppContext } from '../../src/main/app-context'
import { createRandomGpt2Folder } from '../../src/engine/model-factory'
import { ServiceError, toErrorPayload } from '../../src/shared/errors'
import type { RunConfigPatchValues } from '../../src/shared/runs'
import { cliProcess } from './cli-harness'

const work = mkdtempSync(join(tmpdir(), 'run-start-checks-'))
const dataDir = join(work, 'data')
const model = join(work, 'model-256')
const broken = join(work, 'model-broken')
const trainFile = join(work, 'train.jsonl')
let ctx: AppContext

const config = (extra: RunConfigPatchValues = {}): RunConfigPatchValues => ({
  baseModel: model,
  data: { kind: 'file', path: trainFile },
  maxLength: 64,
  maxSteps: 2,
  ...extra
})

async function refusal(extra: RunConfigPatchValues): Promise<ServiceError> {
  const err = await ctx.handlers.runs.start({ config: config(extra) }).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(ServiceError)
  expect((err as ServiceError).code).toBe('invalid_input')
  return err as ServiceError
}

function runRows(): number {
  return ctx.store.db.prepare('select count(*) from runs').pluck().get() as number
}

beforeAll(async () => {
  await createRandomGpt2Folder(model, {
    nLayer: 1,
    nEmbd: 16,
    nHead: 2,
    nPositions: 256,
    seed: 1,
    tokenizer: false,
    vocabSize: 64
  })
  cpSync(model, broken, { recursive: true })
  const weights = join(broken, 'model.safetensors')
  truncateSync(weights, Math.floor(statSync(weights).size / 2))
  writeFileSync(trainFile, `${JSON.stringify({ input_ids: [1, 2, 3, 4] })}\n`)
  ctx = await openAppContext({ dataDir, mode: 'cli' })
})

afterAll(async () => {
  await ctx?.close()
  rmSync(work, { recursive: true, force: true })
})

describe('runs.start checks its inputs before creating a run', () => {
  it('refuses a dataset that does not exist at config.data.id, with no run row', async () => {
    const err = await refusal({ data: { kind: 'dataset', id: 999 } })
    expect(err.issues).toEqual([
      {
        path: 'config.data.id',
        message: 'dataset 999 does not exist; choose one of your datasets (lora-studio datasets lists them)'
      }
    ])
    expect(err.message).toContain('Cannot start the run: Dataset: dataset 999 does not exist')
    expect(runRows()).toBe(0)
  })

  it("refuses a max length above the model's n_positions at config.maxLength", async () => {
    const err = await refusal({ maxLength: 1024 })
    expect(err.issues).toEqual([
      {
        path: 'config.maxLength',
        message: "1024 is longer than the model's context (n_positions 256); set it to 256 or less"
      }
    ])
    expect(runRows()).toBe(0)
  })

  it('refuses a model whose weights file is cut short at config.baseModel', async () => {
    const err = await refusal({ baseModel: broken })
    expect(err.issues).toHaveLength(1)
    expect(err.issues[0].path).toBe('config.baseModel')
    expect(err.issues[0].message).toMatch(/^the model cannot be loaded: .*model\.safetensors.*truncated/)
    expect(runRows()).toBe(0)
  })

  it('names every bad field at once, and the API payload carries them for the form', async () => {
    const err = await refusal({
      baseModel: join(work, 'nowhere'),
      data: { kind: 'file', path: join(work, 'missing.jsonl') },
      validation: { kind: 'dataset', id: 7 }
    })
    const payload = toErrorPayload(err)
    expect(payload.issues?.map((i) => i.path)).toEqual([
      'config.data.path',
      'config.validation.id',
      'config.baseModel'
    ])
    expect(payload.issues?.[2].message).toBe(
      `there is no model folder ${join(work, 'nowhere')}; choose one of your models (lora-studio models lists them)`
    )
    expect(runRows()).toBe(0)
  })
})

describe('lora-studio train with a bad input', () => {
  it('prints each bad field (the default max length of 1024 too) and exits 1, leaving no run', async () => {
    const cliData = join(work, 'cli-data')
    const result = await cliProcess(['--data-dir', cliData, 'train', '--model', model, '--data', '999'])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      'lora-studio: Cannot start the run: Dataset: dataset 999 does not exist; choose one of your datasets (lora-studio datasets lists them); ' +
        "Max length: 1024 is longer than the model's context (n_positions 256); set it to 256 or less.\n"
    )
    const runs = await cliProcess(['--data-dir', cliData, 'runs', '--json'])
    expect(runs.code).toBe(0)
    expect(JSON.parse(runs.stdout)).toEqual([])
  })
})
