// Ctrl-C in a terminal signals the whole process group, the engine included. Here `lora-studio train`
// runs in its own process group (detached) and gets SIGINT there at several moments: right after it
// starts, while its engine starts, while the run loads, and after a few steps. Each time the command
// ends within 5 s with code 130, the run (if one was made) is `stopped`, never `failed`, with a
// checkpoint at its step once a step was taken, and no engine process is left behind.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/main/store/store'
import { requireFixture, tinyModelDir } from '../unit/engine/fixtures-dir'
import { writeRandomRecords } from '../unit/training/tiny-runs'
import { cliBin, repoRoot } from './cli-harness'

const work = mkdtempSync(join(tmpdir(), 'cli-interrupt-'))
const trainFile = join(work, 'train.jsonl')
requireFixture(tinyModelDir)
const started: ChildProcess[] = []

beforeAll(() => {
  writeRandomRecords(trainFile, { seed: 9, count: 8, minLength: 10, spread: 10, promptLength: 0 })
})

afterAll(() => {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }
  rmSync(work, { recursive: true, force: true })
})

interface Train {
  child: ChildProcess
  home: string
  stderr(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Steps enough that a run which ignores the signal is still training long after every bound here. */
const trainFlags = [
  '--max-length',
  '24',
  '--max-steps',
  '20000',
  '--batch-size',
  '2',
  '--save-every',
  '10000'
]

/** `lora-studio train` (plain output) in its own process group, on a fresh data folder. */
function train(name: string): Train {
  const home = join(work, name)
  const model = join(tinyModelDir, 'model')
  const child = spawn(
    process.execPath,
    [cliBin, '--data-dir', home, 'train', '--model', model, '--data', trainFile, ...trainFlags],
    {
      cwd: repoRoot,
      env: { ...process.env, LORA_STUDIO_BACKEND: 'wasm' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  started.push(child)
  let err = ''
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()))
  child.stdout!.resume()
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal }))
  )
  return { child, home, stderr: () => err, exited }
}

async function poll<T>(probe: () => T | null | undefined, what: string, ms = 60_000): Promise<T> {
  const until = performance.now() + ms
  for (;;) {
    const value = probe()
    if (value !== null && value !== undefined) return value
    if (performance.now() > until) throw new Error(`${what} did not happen within ${ms / 1000} s`)
    await sleep(20)
  }
}

/** The engine processes the command started (not esbuild's, which tsx runs beside it). */
function enginePids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes('engine-process'))
      .map((line) => Number(line.trim().split(/\s+/)[0]))
      .filter((n) => n > 0)
  } catch {
    return []
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** SIGINT to the command's process group, as a terminal's Ctrl-C sends it; how it ended and how fast. */
async function interrupt(t: Train, engines: number[]) {
  const sentAt = performance.now()
  process.kill(-t.child.pid!, 'SIGINT')
  const exit = await Promise.race([t.exited, sleep(30_000).then(() => null)])
  const seconds = (performance.now() - sentAt) / 1000
  for (const pid of engines) await poll(() => (alive(pid) ? null : true), `engine ${pid} exiting`, 5_000)
  const store = existsSync(join(t.home, 'studio.db')) ? openStore(join(t.home, 'studio.db')) : null
  try {
    const run = store?.runs.get(1) ?? null
    return {
      exit,
      seconds,
      run,
      checkpoints: store?.runs.checkpoints(1).map((c) => ({ step: c.step, path: c.path })) ?? []
    }
  } finally {
    store?.close()
  }
}

describe('Ctrl-C (SIGINT to the process group) during lora-studio train', () => {
  it('0.5 s after the command starts: it ends within 5 s and leaves no run training', async () => {
    const t = train('at-half-second')
    await sleep(500)
    const engines = enginePids(t.child.pid!)
    const r = await interrupt(t, engines)
    expect(r.exit).not.toBeNull()
    expect(r.seconds).toBeLessThan(5)
    if (r.run) expect(r.run.status).toBe('stopped')
  })

  it('while its engine starts: exit 130 within 5 s, the run stopped before its first step', async () => {
    const t = train('engine-starting')
    const engines = await poll(() => {
      const pids = enginePids(t.child.pid!)
      return pids.length > 0 ? pids : null
    }, 'the engine process starting')
    const r = await interrupt(t, engines)
    expect(r.exit).toEqual({ code: 130, signal: null })
    expect(r.seconds).toBeLessThan(5)
    expect(r.run).toMatchObject({ status: 'stopped', step: 0 })
    expect(r.checkpoints).toEqual([])
  })

  it('while the run loads: exit 130 within 5 s, stopped, with a checkpoint if a step was taken', async () => {
    const t = train('run-loading')
    await poll(() => (/^run 1 /m.test(t.stderr()) ? true : null), 'the run starting')
    const r = await interrupt(t, enginePids(t.child.pid!))
    expect(r.exit).toEqual({ code: 130, signal: null })
    expect(r.seconds).toBeLessThan(5)
    expect(r.run?.status).toBe('stopped')
    if (r.run!.step > 0) expect(r.checkpoints.at(-1)?.step).toBe(r.run!.step)
    else expect(r.checkpoints).toEqual([])
  })

  it('after a few steps: exit 130 within 5 s, stopped with a checkpoint at its step', async () => {
    const t = train('after-steps')
    await poll(() => (/step 3\//.test(t.stderr()) ? true : null), 'step 3')
    const r = await interrupt(t, enginePids(t.child.pid!))
    expect(r.exit).toEqual({ code: 130, signal: null })
    expect(r.seconds).toBeLessThan(5)
    expect(r.run?.status).toBe('stopped')
    expect(r.run!.step).toBeGreaterThanOrEqual(3)
    expect(r.checkpoints.at(-1)?.step).toBe(r.run!.step)
    expect(existsSync(join(r.checkpoints.at(-1)!.path, 'optimizer.safetensors'))).toBe(true)
  })
})
