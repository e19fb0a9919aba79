// What resume checks before it touches a run's history: each missing or damaged piece (run folder,
// frozen data, base model, checkpoint files, trainer state at another step, a truncated safetensors
// file) is refused with the path and the way out; a whole run and checkpoint pass.
import { mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeSafetensors } from '../../../src/engine/formats/safetensors'
import { checkResumable, type ResumePlan } from '../../../src/main/runs/resume-check'
import { resolveRunConfig } from '../../../src/shared/runs'

let work: string
let plan: ResumePlan
let cp: string

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), 'resume-check-'))
  const model = join(work, 'model')
  mkdirSync(model)
  writeFileSync(join(model, 'config.json'), '{}')
  const runDir = join(work, 'runs', '3')
  mkdirSync(join(runDir, 'data'), { recursive: true })
  writeFileSync(join(runDir, 'data', 'train.jsonl'), '{"input_ids": [1]}\n')
  cp = join(runDir, 'checkpoints', 'step-4')
  mkdirSync(join(cp, 'adapter'), { recursive: true })
  writeFileSync(join(cp, 'trainer_state.json'), JSON.stringify({ version: 1, step: 4 }))
  writeFileSync(join(cp, 'adapter', 'adapter_config.json'), '{"r": 4}')
  const tensor = { dtype: 'F32' as const, shape: [4], data: new Float32Array([1, 2, 3, 4]) }
  await writeSafetensors(join(cp, 'adapter', 'adapter_model.safetensors'), { a: tensor })
  await writeSafetensors(join(cp, 'optimizer.safetensors'), { m: tensor, v: tensor })
  plan = {
    runId: 3,
    runDir,
    config: resolveRunConfig(null, { baseModel: model, data: { kind: 'file', path: '/gone.jsonl' } }),
    checkpoint: { step: 4, path: cp },
    otherSteps: [2, 4]
  }
})

afterEach(() => rmSync(work, { recursive: true, force: true }))

describe('checkResumable', () => {
  it('passes a whole run and checkpoint', async () => {
    await expect(checkResumable(plan)).resolves.toBeUndefined()
    await expect(checkResumable({ ...plan, checkpoint: null })).resolves.toBeUndefined()
  })

  it('names the missing run folder and says the run was left as it was', async () => {
    rmSync(plan.runDir, { recursive: true })
    await expect(checkResumable(plan)).rejects.toThrow(
      `run folder ${plan.runDir} is missing, so run 3 cannot be resumed; it was left as it was.`
    )
  })

  it('names missing frozen data and a missing base model', async () => {
    rmSync(join(plan.runDir, 'data', 'train.jsonl'))
    await expect(checkResumable(plan)).rejects.toThrow(/data\/train\.jsonl is missing.*left as it was/)
    writeFileSync(join(plan.runDir, 'data', 'train.jsonl'), '{"input_ids": [1]}\n')
    rmSync(join(work, 'model', 'config.json'))
    await expect(checkResumable(plan)).rejects.toThrow(`base model folder ${join(work, 'model')} is missing`)
  })

  it('names a missing checkpoint file and offers the other checkpoints', async () => {
    rmSync(join(cp, 'adapter', 'adapter_model.safetensors'))
    await expect(checkResumable(plan)).rejects.toThrow(
      new RegExp(
        `checkpoint at step 4 cannot be used: ${join(cp, 'adapter', 'adapter_model.safetensors')} is missing.*step 2`
      )
    )
  })

  it('refuses trainer state of another step and a truncated safetensors file', async () => {
    writeFileSync(join(cp, 'trainer_state.json'), JSON.stringify({ version: 1, step: 8 }))
    await expect(checkResumable(plan)).rejects.toThrow(/trainer_state\.json is for step 8, not step 4/)
    writeFileSync(join(cp, 'trainer_state.json'), JSON.stringify({ version: 1, step: 4 }))
    const weights = join(cp, 'adapter', 'adapter_model.safetensors')
    truncateSync(weights, statSync(weights).size - 3)
    await expect(checkResumable({ ...plan, otherSteps: [4] })).rejects.toThrow(
      /adapter_model\.safetensors is damaged or truncated.*No other checkpoint is left/
    )
  })
})
