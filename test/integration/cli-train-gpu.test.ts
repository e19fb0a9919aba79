// `lora-studio train` on a GPU backend (webgpu on lavapipe in CI, per LORA_STUDIO_TEST_BACKENDS) with the
// offline demo model: the run checkpoints, is killed with SIGKILL (CLI and engine together, as a crash would),
// shows as interrupted, resumes, and ends with the very adapter bytes of an uninterrupted run; export works.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../src/engine/generation/rng'
import { gpuBackendsUnderTest } from '../unit/engine/gpt2-reference'
import { cliOrThrow, killedAtStep, lastJson, smallRunFlags } from './cli-harness'

const work = mkdtempSync(join(tmpdir(), 'cli-train-gpu-'))
const dataDir = join(work, 'home')
const trainFile = join(work, 'train.jsonl')
const backend = gpuBackendsUnderTest[0]
const env = { ...process.env, LORA_STUDIO_BACKEND: backend }

afterAll(() => rmSync(work, { recursive: true, force: true }))

const cli = cliOrThrow(dataDir, env)

let modelPath = ''
const trainArgs = () => [
  'train',
  '--model',
  modelPath,
  '--data',
  trainFile,
  '--max-length',
  '32',
  '--max-steps',
  '8',
  ...smallRunFlags,
  '--json'
]

describe.skipIf(backend === undefined)(`lora-studio train on ${backend ?? 'a GPU backend'}`, () => {
  beforeAll(async () => {
    const rng = new Rng(5)
    const lines = Array.from({ length: 16 }, () =>
      JSON.stringify({ input_ids: Array.from({ length: 12 + rng.nextInt(12) }, () => rng.nextInt(50000)) })
    )
    writeFileSync(trainFile, lines.join('\n') + '\n')
    modelPath = (JSON.parse(await cli(['models', 'create-demo', '--json'])) as { path: string }).path
  })

  it('is killed with SIGKILL after a checkpoint, resumes, and ends with the uninterrupted adapter', async () => {
    const whole = lastJson(await cli(trainArgs()))
    expect(whole).toMatchObject({ id: 1, status: 'completed', step: 8 })

    // The CLI and its engine in their own process group, killed together.
    await killedAtStep(['--data-dir', dataDir, ...trainArgs()], env, 3)
    expect(existsSync(join(dataDir, 'runs', '2', 'checkpoints', 'step-2', 'trainer_state.json'))).toBe(true)

    const runs = JSON.parse(await cli(['runs', '--json'])) as { id: number; status: string }[]
    expect(runs.find((r) => r.id === 2)?.status).toBe('interrupted')

    const resumed = await cli(['resume', '2', '--json'])
    const first = JSON.parse(resumed.split('\n')[0]) as { step: number }
    expect(first.step).toBeGreaterThanOrEqual(3)
    expect(first.step).toBeLessThanOrEqual(5)
    expect(lastJson(resumed)).toMatchObject({ id: 2, status: 'completed', step: 8, loss: whole.loss })

    const adapterOf = (id: number) =>
      readFileSync(join(dataDir, 'runs', String(id), 'adapter', 'adapter_model.safetensors'))
    expect(adapterOf(2).equals(adapterOf(1))).toBe(true)

    const out = join(work, 'exported')
    await cli(['export', '2', '--format', 'peft', '--out', out])
    expect(readFileSync(join(out, 'adapter_model.safetensors')).equals(adapterOf(1))).toBe(true)
  })
})
