// `lora-studio train|runs|resume|export` as real subprocesses, the way a script drives them: JSON
// lines with "step" and "loss" and a final summary with the run's id; SIGINT checkpoints and stops
// (exit 130), `resume` finishes the run, `runs --json` lists it, `export` writes a PEFT folder.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../src/engine/generation/rng'
import { requireFixture, tinyModelDir } from '../unit/engine/fixtures-dir'
import { cliProcess, repoRoot, cliBin, smallRunFlags } from './cli-harness'

const work = mkdtempSync(join(tmpdir(), 'cli-train-'))
const dataDir = join(work, 'home')
const trainFile = join(work, 'train.jsonl')
const modelDir = join(tinyModelDir, 'model')
const env = { ...process.env, LORA_STUDIO_BACKEND: 'wasm' }
requireFixture(tinyModelDir)

beforeAll(() => {
  const rng = new Rng(11)
  const lines = Array.from({ length: 8 }, () =>
    JSON.stringify({ input_ids: Array.from({ length: 10 + rng.nextInt(10) }, () => rng.nextInt(999)) })
  )
  writeFileSync(trainFile, lines.join('\n') + '\n')
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

const cli = (args: string[]) => cliProcess(['--data-dir', dataDir, ...args], { env })

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>)

const trainArgs = (steps: number) => [
  'train',
  '--model',
  modelDir,
  '--data',
  trainFile,
  '--preset',
  'gpt2-blog-recipe',
  '--max-length',
  '32',
  '--max-steps',
  String(steps),
  ...smallRunFlags,
  '--json'
]

describe('lora-studio train', () => {
  it('trains with the GPT-2 blog recipe and prints JSON lines ending with the summary', async () => {
    const { code, stdout, stderr } = await cli([...trainArgs(4), '--name', 'blog'])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const lines = jsonLines(stdout)
    for (const l of lines) {
      expect(l).toHaveProperty('step')
      expect(l).toHaveProperty('loss')
    }
    expect(lines.slice(0, -1).map((l) => l.step)).toEqual([1, 2, 3, 4])
    const summary = lines.at(-1)!
    expect(summary).toMatchObject({ id: 1, name: 'blog', status: 'completed', step: 4, total_steps: 4 })
    expect(summary.trainable).toBe('trainable params: 3,072 || all params: 175,360 || trainable%: 1.7518')
    const config = JSON.parse(readFileSync(join(summary.adapter as string, 'adapter_config.json'), 'utf8'))
    expect(config).toMatchObject({
      r: 4,
      lora_alpha: 8,
      lora_dropout: 0.1,
      target_modules: ['attn.c_attn', 'attn.c_proj']
    })
  })

  it('stops with a checkpoint on SIGINT (exit 130), resumes to completion, lists and exports the run', async () => {
    const child = spawn(process.execPath, [cliBin, '--data-dir', dataDir, ...trainArgs(12)], {
      cwd: repoRoot,
      env
    })
    let stdout = ''
    await new Promise<void>((resolveStep) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        if (/"step":3,/.test(stdout)) resolveStep()
      })
    })
    child.kill('SIGINT')
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)))
    expect(code).toBe(130)
    const summary = jsonLines(stdout).at(-1)!
    expect(summary).toMatchObject({ id: 2, status: 'stopped' })
    const stoppedAt = summary.step as number
    expect(stoppedAt).toBeGreaterThanOrEqual(3)
    expect(
      existsSync(join(dataDir, 'runs', '2', 'checkpoints', `step-${stoppedAt}`, 'trainer_state.json'))
    ).toBe(true)

    const resumed = await cli(['resume', '2', '--json'])
    expect(resumed.code).toBe(0)
    const lines = jsonLines(resumed.stdout)
    expect(lines[0].step).toBe(stoppedAt + 1)
    expect(lines.at(-1)).toMatchObject({ id: 2, status: 'completed', step: 12 })

    const runs = JSON.parse((await cli(['runs', '--json'])).stdout) as {
      id: number
      status: string
      checkpoints: unknown[]
    }[]
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      [2, 'completed'],
      [1, 'completed']
    ])
    const out = join(work, 'exported')
    const exported = await cli(['export', '2', '--format', 'peft', '--out', out])
    expect(exported.code).toBe(0)
    expect(existsSync(join(out, 'adapter_model.safetensors'))).toBe(true)
  })

  it('names the flag when a value is wrong', async () => {
    const { code, stderr } = await cli(['train', '--model', modelDir, '--data', trainFile, '--lr', 'fast'])
    expect(code).toBe(1)
    expect(stderr.trim()).toBe('lora-studio: --lr must be a number, got "fast"')
  })
})
