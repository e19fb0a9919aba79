// `lora-studio train-queue` as a real subprocess: two tokenized files trained in order, the second
// run continuing the first's adapter; JSON lines name each step's run, the last line is the queue.
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../src/engine/generation/rng'
import { openStore } from '../../src/main/store/store'
import { requireFixture, tinyModelDir } from '../unit/engine/fixtures-dir'

const repoRoot = resolve(import.meta.dirname, '../..')
const bin = join(repoRoot, 'bin/lora-studio.mjs')
const work = mkdtempSync(join(tmpdir(), 'cli-train-queue-'))
const files = [join(work, 'file1.jsonl'), join(work, 'file2.jsonl')]
requireFixture(tinyModelDir)

beforeAll(() => {
  const rng = new Rng(5)
  const sample = () => ({ input_ids: Array.from({ length: 10 + rng.nextInt(8) }, () => rng.nextInt(999)) })
  for (const file of files)
    writeFileSync(file, `${Array.from({ length: 6 }, () => JSON.stringify(sample())).join('\n')}\n`)
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Runs the CLI as a script would; resolves with its exit code and output, whatever the code. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const argv = [bin, '--data-dir', join(work, 'home'), ...args]
  const env = { ...process.env, LORA_STUDIO_BACKEND: 'wasm' }
  return new Promise((done) =>
    execFile(process.execPath, argv, { cwd: repoRoot, env }, (err, stdout, stderr) =>
      done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr })
    )
  )
}

/** `train-queue` of both files on the tiny model, settings to follow. */
const queueOfBoth = () => [
  'train-queue',
  '--model',
  join(tinyModelDir, 'model'),
  ...files.flatMap((f) => ['--data', f])
]

describe('lora-studio train-queue', () => {
  it('trains the files in order, each run continuing the previous one, and prints the queue', async () => {
    const { code, stdout, stderr } = await cli([
      ...queueOfBoth(),
      '--max-length',
      '24',
      '--batch-size',
      '2',
      '--max-steps',
      '2',
      '--r',
      '4',
      '--json'
    ])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    const summary = lines.at(-1) as {
      status: string
      items: { label: string; run: number; status: string }[]
    }
    expect(summary).toMatchObject({ status: 'completed', current: 1 })
    expect(summary.items.map((i) => [i.label, i.status])).toEqual([
      ['file1.jsonl', 'completed'],
      ['file2.jsonl', 'completed']
    ])
    const [first, second] = summary.items.map((i) => i.run)
    expect(lines.slice(0, -1).map((l) => [l.run, l.step])).toEqual([
      [first, 1],
      [first, 2],
      [second, 1],
      [second, 2]
    ])
    const store = openStore(join(work, 'home', 'studio.db'))
    try {
      expect(store.runs.get(second)?.parentRunId).toBe(first)
      expect((store.runs.get(second)?.config as { initAdapter: string }).initAdapter).toBe(
        store.runs.get(first)?.adapterPath
      )
    } finally {
      store.close()
    }
  })

  it('pauses on Ctrl-C (exit 130) and --resume finishes the queue from the checkpoint', async () => {
    const args = queueOfBoth()
    const settings = ['--max-length', '24', '--batch-size', '2', '--max-steps', '12', '--json']
    const child = spawn(process.execPath, [bin, '--data-dir', join(work, 'home'), ...args, ...settings], {
      cwd: repoRoot,
      env: { ...process.env, LORA_STUDIO_BACKEND: 'wasm' }
    })
    const output: string[] = []
    const exited = new Promise<number | null>((r) => child.on('exit', r))
    child.stdout.on('data', (chunk: Buffer) => {
      output.push(chunk.toString())
      if (!child.killed && output.join('').includes('"step":3,')) child.kill('SIGINT')
    })
    expect(await exited).toBe(130)
    const paused = JSON.parse(output.join('').trim().split('\n').at(-1)!) as { queue: number; status: string }
    expect(paused).toMatchObject({ status: 'paused', current: 0 })

    const resumed = await cli(['train-queue', '--resume', String(paused.queue), '--json'])
    expect(resumed.code).toBe(0)
    const lines = resumed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines[0].step).toBeGreaterThan(3)
    expect(lines.at(-1)).toMatchObject({ queue: paused.queue, status: 'completed', current: 1 })
    expect(lines.filter((l) => l.step === 12)).toHaveLength(2)
  })

  it('asks for two --data at least, in words', async () => {
    const { code, stderr } = await cli([
      'train-queue',
      '--model',
      join(tinyModelDir, 'model'),
      '--data',
      files[0]
    ])
    expect(code).not.toBe(0)
    expect(stderr).toMatch(/--data is needed at least twice/)
  })
})
