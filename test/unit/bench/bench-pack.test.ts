// The bench pack's bundle run where no node_modules but the pack's own can be reached: the bench CLI, each
// case's child process and the gradient workers all come from the bundle, the wasm binaries from the pack.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BenchReport } from '../../../bench/case-result'
import { packLayout } from '../../../bench/bench-layout'
// @ts-expect-error: a plain .mjs build script without type declarations
import { bundle, copyRuntimePackages } from '../../../scripts/bench-pack.mjs'

const run = promisify(execFile)
let dir = ''

beforeAll(async () => {
  // Under the system temp folder: no node_modules of the checkout above it.
  dir = mkdtempSync(join(tmpdir(), 'bench-pack-'))
  await (bundle as (dir: string) => Promise<void>)(dir)
  ;(copyRuntimePackages as (dir: string, o: { compressDawn: boolean }) => void)(dir, {
    compressDawn: false
  })
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('bench pack bundle', () => {
  it('holds the two bundles and only the runtime files of webgpu and tfjs-backend-wasm', () => {
    expect(readdirSync(dir).sort()).toEqual([
      'bench.js',
      'gradient-worker.js',
      'node_modules',
      'package.json'
    ])
    expect(existsSync(join(dir, 'node_modules/webgpu/dist/linux-x64/dawn.node'))).toBe(true)
    expect(readdirSync(join(dir, 'node_modules/webgpu/dist'))).toEqual(['linux-x64'])
    expect(readdirSync(join(dir, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')).sort()).toEqual([
      'tfjs-backend-wasm-simd.wasm',
      'tfjs-backend-wasm-threaded-simd.wasm',
      'tfjs-backend-wasm.wasm'
    ])
  })

  it('trains train-tiny on wasm with two workers from the bundle alone', async () => {
    const { stdout } = await run(
      process.execPath,
      [join(dir, 'bench.js'), '--case', 'train-tiny', '--backend', 'wasm', '--workers', '2'].concat([
        '--steps',
        '1',
        '--no-torch',
        '--json'
      ]),
      { cwd: dir, env: { PATH: '/usr/bin:/bin', HOME: dir }, maxBuffer: 16 * 2 ** 20 }
    )
    const report = JSON.parse(stdout) as BenchReport
    expect(report.failures).toEqual([])
    const [r] = report.results
    expect(r.backend).toBe('wasm')
    expect(r.workers).toBe(2)
    // A random model's loss is near ln(vocab) = ln(5000) ≈ 8.52.
    expect(r.loss).toBeGreaterThan(7.5)
    expect(r.loss).toBeLessThan(9.5)
    expect(r.matMul.productsPerSample).toBeGreaterThanOrEqual(1)
    expect(r.matMul.gflopsWall).toBeGreaterThan(0)
  })

  it("prints the pack's own command in its usage", async () => {
    const { stdout } = await run(process.execPath, [join(dir, 'bench.js'), '--help'], { cwd: dir })
    expect(stdout).toMatch(/^usage: \.\/run\.sh \[--case NAME\]/)
    expect(stdout).toContain('--backend tensorflow-gpu|webgpu|tensorflow|wasm|cpu')
    expect(stdout).toContain('--torch-device cpu|cuda')
  })

  it('refuses the dataset-import case, which needs the checkout', () => {
    const layout = packLayout('/pack/bench.js')
    expect(layout.child('case-process.ts', ['{}'])).toEqual({
      file: '/pack/bench.js',
      args: ['--case-process', '{}'],
      execArgv: ['--expose-gc']
    })
    expect(() => layout.child('import-case.ts', ['1'])).toThrow(/not in the bench pack.*npm run bench/)
    expect(layout.torchScript()).toBe(process.env.LORA_STUDIO_TORCH_BENCH || '/pack/torch_lora_bench.py')
    const beside = process.env.LORA_STUDIO_TORCH_BENCH
      ? dirname(process.env.LORA_STUDIO_TORCH_BENCH)
      : '/pack'
    expect(layout.torchScript('torch_generate_bench.py')).toBe(join(beside, 'torch_generate_bench.py'))
  })
})
