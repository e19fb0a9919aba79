// The backend choice the engine makes here (no native TensorFlow installed): wasm with SIMD and a
// reason naming what was skipped; a forced backend is honoured or fails with a message that says why.
import { afterEach, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../../../src/engine/backend'

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
    expect(info.reason).toBe('tfjs-node-gpu not installed; tfjs-node not installed; using wasm (SIMD)')
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
      'LORA_STUDIO_BACKEND=metal is not a backend; use one of tensorflow-gpu, tensorflow, wasm, cpu, or unset it'
    )
  })
})
