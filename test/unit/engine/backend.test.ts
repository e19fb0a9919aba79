// The backend choice the engine makes here (no native TensorFlow, only lavapipe's software WebGPU adapter):
// wasm with SIMD and a reason naming what was skipped and why; a forced backend is honoured or fails with a
// message that says why.
import { afterEach, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { activeGpuAdapter, initBackend } from '../../../src/engine/backend'
import { softwareReason } from '../../../src/engine/webgpu-adapter'

/** lavapipe as Dawn describes it on the CI machines (Mesa 25 from bookworm-backports). */
const lavapipe =
  /^mesa software \(llvmpipe: Mesa 25[^)]*\([^)]*\)[^)]*\), software, storage binding ≤ 128 MiB, buffer ≤ 4 GiB$/

const savedEnv = process.env.LORA_STUDIO_BACKEND

afterEach(() => {
  if (savedEnv === undefined) delete process.env.LORA_STUDIO_BACKEND
  else process.env.LORA_STUDIO_BACKEND = savedEnv
})

describe('initBackend', () => {
  it('falls through the missing native packages to wasm and says so', async () => {
    delete process.env.LORA_STUDIO_BACKEND
    const info = await initBackend()
    expect(info.name).toBe('wasm')
    const parts = info.reason.split('; ')
    expect(parts[0]).toBe('tfjs-node-gpu not installed')
    const skipped =
      /^webgpu skipped: (.*) — a software emulation \(fallback adapter\), slower than wasm$/.exec(parts[1])
    expect(skipped?.[1]).toMatch(lavapipe)
    expect(parts.slice(2)).toEqual([
      'set LORA_STUDIO_BACKEND=webgpu to use it anyway',
      'tfjs-node not installed',
      'using wasm (SIMD)'
    ])
    expect(info.adapter).toBeUndefined()
    expect(info.details.simd).toBe(true)
    expect(info.details.threads).toBe(false)
    expect(tf.getBackend()).toBe('wasm')
    const sum = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4]))
    expect(Array.from(await sum.data())).toEqual([4, 6])
    sum.dispose()
  })

  it('honours LORA_STUDIO_BACKEND=cpu', async () => {
    process.env.LORA_STUDIO_BACKEND = 'cpu'
    const info = await initBackend()
    expect(info).toEqual({ name: 'cpu', reason: 'forced by LORA_STUDIO_BACKEND=cpu', details: {} })
    expect(tf.getBackend()).toBe('cpu')
  })

  it('uses the software WebGPU adapter when LORA_STUDIO_BACKEND=webgpu forces it, and names it', async () => {
    process.env.LORA_STUDIO_BACKEND = 'webgpu'
    const info = await initBackend()
    expect(info.name).toBe('webgpu')
    expect(tf.getBackend()).toBe('webgpu')
    expect(info.reason.startsWith('forced by LORA_STUDIO_BACKEND=webgpu; on ')).toBe(true)
    expect(info.reason.slice('forced by LORA_STUDIO_BACKEND=webgpu; on '.length)).toMatch(lavapipe)
    expect(info.adapter).toMatchObject({
      vendor: 'mesa',
      architecture: 'software',
      software: true,
      maxStorageBufferBindingSize: 128 * 1024 ** 2
    })
    expect(activeGpuAdapter()).toEqual(info.adapter)
    const product = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2]))
    expect(Array.from(await product.data())).toEqual([19, 22, 43, 50])
    product.dispose()
    await initBackend('cpu')
    expect(activeGpuAdapter()).toBeNull()
  })

  it('tells software adapters from hardware ones by their flag or their names', () => {
    expect(
      softwareReason({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100 80GB HBM3' })
    ).toBeNull()
    expect(softwareReason({ vendor: 'apple', architecture: 'metal-3', description: 'Apple M2' })).toBeNull()
    expect(softwareReason({ vendor: 'mesa', architecture: 'software' })).toBe('architecture "software"')
    expect(
      softwareReason({ vendor: 'google', architecture: '', description: 'SwiftShader Device (Subzero)' })
    ).toBe('"SwiftShader" in its name')
    expect(softwareReason({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' })).toBe(
      '"Microsoft Basic Render" in its name'
    )
    expect(softwareReason({ vendor: 'amd', isFallbackAdapter: true })).toBe('fallback adapter')
    expect(softwareReason({ vendor: 'amd' }, true)).toBe('fallback adapter')
  })

  it('lets the caller force a backend over the environment', async () => {
    process.env.LORA_STUDIO_BACKEND = 'cpu'
    const info = await initBackend('wasm')
    expect(info.name).toBe('wasm')
    expect(info.reason).toBe('requested (wasm)')
  })

  it('fails clearly when the forced backend is not installed', async () => {
    process.env.LORA_STUDIO_BACKEND = 'tensorflow'
    await expect(initBackend()).rejects.toThrow(
      'Backend "tensorflow" forced by LORA_STUDIO_BACKEND=tensorflow could not be used: tfjs-node not installed; ' +
        'install @tensorflow/tfjs-node, or choose another backend'
    )
  })

  it('refuses an unknown backend name in the environment', async () => {
    process.env.LORA_STUDIO_BACKEND = 'metal'
    await expect(initBackend()).rejects.toThrow(
      'LORA_STUDIO_BACKEND=metal is not a backend; use one of tensorflow-gpu, webgpu, tensorflow, wasm, cpu, or unset it'
    )
  })
})
