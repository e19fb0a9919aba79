// `lora-studio info` as a real subprocess, the way a script would run it: JSON on stdout naming the
// wasm backend and its reason (lavapipe's software WebGPU adapter skipped), or the forced webgpu adapter; failures as one `lora-studio: …` line on stderr with a non-zero code.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cliProcess } from './cli-harness'

const dataDir = mkdtempSync(join(tmpdir(), 'lora-cli-'))

afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const cli = (args: string[], env: Record<string, string> = {}) =>
  cliProcess(args, { env: { ...process.env, LORA_STUDIO_BACKEND: '', ...env } })

describe('lora-studio info', () => {
  it('prints machine-readable info naming the wasm backend and its reason', async () => {
    const { code, stdout, stderr } = await cli(['info', '--json', '--data-dir', dataDir])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const info = JSON.parse(stdout)
    expect(info.backend.name).toBe('wasm')
    expect(info.backend.reason).toMatch(
      /^tfjs-node-gpu not installed; webgpu skipped: mesa software \(llvmpipe: Mesa 25[^]*— a software emulation \(fallback adapter\), slower than wasm; set LORA_STUDIO_BACKEND=webgpu to use it anyway; tfjs-node not installed; using wasm \(SIMD\)$/
    )
    expect(info.backend.adapter).toBeUndefined()
    expect(info.dataDir).toBe(dataDir)
    expect(info.databasePath).toBe(join(dataDir, 'studio.db'))
    expect(info.databaseBytes).toBeGreaterThan(0)
    expect(info.mode).toBe('cli')
  })

  it('names the software adapter when LORA_STUDIO_BACKEND=webgpu forces it', async () => {
    const { code, stdout } = await cli(['info', '--json', '--data-dir', dataDir], {
      LORA_STUDIO_BACKEND: 'webgpu'
    })
    expect(code).toBe(0)
    const info = JSON.parse(stdout)
    expect(info.backend.name).toBe('webgpu')
    expect(info.backend.reason).toMatch(
      /^forced by LORA_STUDIO_BACKEND=webgpu; on mesa software \(llvmpipe: /
    )
    expect(info.backend.adapter).toMatchObject({
      vendor: 'mesa',
      architecture: 'software',
      software: true,
      maxStorageBufferBindingSize: 134217728
    })
    expect(info.backend.adapter.description).toMatch(/^llvmpipe: Mesa 25\./)
  })

  it('fails with one line and exit code 1 when the forced backend cannot load', async () => {
    const { code, stdout, stderr } = await cli(['info', '--data-dir', dataDir], {
      LORA_STUDIO_BACKEND: 'tensorflow'
    })
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(
      'lora-studio: Backend "tensorflow" forced by LORA_STUDIO_BACKEND=tensorflow could not be used: ' +
        'tfjs-node not installed; install @tensorflow/tfjs-node, or choose another backend\n'
    )
  })

  it('refuses an unknown option with exit code 2', async () => {
    const { code, stderr } = await cli(['info', '--bogus'])
    expect(code).toBe(2)
    expect(stderr).toBe(
      "lora-studio: Unknown option '--bogus' (usage: lora-studio info [--data-dir DIR] [--json])\n"
    )
  })
})
