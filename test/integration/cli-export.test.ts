// `lora-studio export` against what may already be at --out, as real subprocesses: a folder holding a
// user's file or a file is refused and left as it was, an earlier export is replaced only with
// --overwrite, and a folder under /proc fails at once instead of hanging.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireFixture, tinyModelDir } from '../unit/engine/fixtures-dir'
import { cliProcess, trainTwoSteps } from './cli-harness'

const work = mkdtempSync(join(tmpdir(), 'cli-export-'))
const dataDir = join(work, 'home')
const trainFile = join(work, 'train.jsonl')
const env = { ...process.env, LORA_STUDIO_BACKEND: 'wasm' }
requireFixture(tinyModelDir)

const cli = (args: string[], timeout = 0) => cliProcess(['--data-dir', dataDir, ...args], { env, timeout })

beforeAll(async () => {
  const trained = await trainTwoSteps(cli, join(tinyModelDir, 'model'), trainFile)
  expect(trained.code).toBe(0)
}, 120_000)
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('lora-studio export --out', () => {
  it('refuses a folder holding another file and leaves the file there', async () => {
    const out = join(work, 'notes')
    mkdirSync(out)
    writeFileSync(join(out, 'notes.md'), 'my notes')
    const { code, stderr } = await cli(['export', '1', '--format', 'peft', '--out', out, '--overwrite'])
    expect(code).toBe(1)
    expect(stderr.trim()).toBe(
      `lora-studio: ${out} holds other files (notes.md); choose an empty or new folder.`
    )
    expect(readdirSync(out)).toEqual(['notes.md'])
    expect(readFileSync(join(out, 'notes.md'), 'utf8')).toBe('my notes')
  })

  it('refuses an existing file', async () => {
    const out = join(work, 'cyber_security1.json')
    writeFileSync(out, '{"keep":1}')
    const { code, stderr } = await cli(['export', '1', '--format', 'merged', '--out', out])
    expect(code).toBe(1)
    expect(stderr).toContain(`${out} is a file, not a folder`)
    expect(readFileSync(out, 'utf8')).toBe('{"keep":1}')
  })

  it('replaces an earlier export only with --overwrite', async () => {
    const out = join(work, 'exports', 'run-1')
    expect((await cli(['export', '1', '--format', 'peft', '--out', out])).code).toBe(0)
    expect(readdirSync(out).sort()).toEqual([
      'adapter_config.json',
      'adapter_model.safetensors',
      'lora-studio-export.json'
    ])
    const again = await cli(['export', '1', '--format', 'merged', '--out', out])
    expect(again.code).toBe(1)
    expect(again.stderr.trim()).toBe(
      `lora-studio: ${out} holds an earlier export (PEFT adapter); confirm replacing it (CLI: --overwrite) or choose another folder.`
    )
    expect(existsSync(join(out, 'adapter_model.safetensors'))).toBe(true)
    const replaced = await cli(['export', '1', '--format', 'merged', '--out', out, '--overwrite'])
    expect(replaced.code).toBe(0)
    expect(readdirSync(out).sort()).toEqual(['config.json', 'lora-studio-export.json', 'model.safetensors'])
    expect(readdirSync(join(work, 'exports'))).toEqual(['run-1'])
  })

  it.skipIf(!existsSync('/proc/self'))('fails at once on a folder under /proc', async () => {
    const started = Date.now()
    const { code, stderr } = await cli(['export', '1', '--format', 'peft', '--out', '/proc/nope/x'], 60_000)
    expect(code).toBe(1)
    expect(stderr).toContain('/proc/nope/x is inside /proc, which belongs to the system')
    expect(Date.now() - started).toBeLessThan(30_000)
  })
})
