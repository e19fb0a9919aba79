// Where a step's time goes: tfjs's profiler records every kernel with its time; this sums them per
// kernel name, leaving out custom-gradient scopes (their time is already in the kernels they ran).
import * as tf from '@tensorflow/tfjs-core'

export interface KernelTime {
  kernel: string
  calls: number
  totalMs: number
  /** Of the step's wall time. */
  share: number
}

export interface KernelProfile {
  stepMs: number
  kernelMs: number
  /** Top kernels by total time. */
  kernels: KernelTime[]
  /** Top matMul calls by kernel and input shapes (`BatchMatMul [512,768]·[768,50257]`): which products cost. */
  matMulShapes: KernelTime[]
  /** Wall time outside any kernel: JavaScript, the tape, allocation, data transfer. */
  outsideKernelsMs: number
  peakBytes: number
}

/** The webgpu backend's switch for timing each kernel with GPU timestamp queries (absent elsewhere). */
interface TimestampSwitch {
  supportTimestampQuery?: boolean
}

/**
 * tf.profile with GPU timestamp queries off: a step of thousands of kernels timed that way crashes Dawn on
 * lavapipe (SIGSEGV from 25 Llama layers up), and the warm-up only wants the peak bytes.
 */
async function profileWithoutTimestamps(fn: () => Promise<void>): ReturnType<typeof tf.profile> {
  const backend = tf.backend() as unknown as TimestampSwitch
  const was = backend.supportTimestampQuery
  if (was === undefined) return tf.profile(fn)
  backend.supportTimestampQuery = false
  try {
    return await tf.profile(fn)
  } finally {
    backend.supportTimestampQuery = was
  }
}

/**
 * Profiles one call of `fn`; `top` kernels are kept. `kernelTimes: false` when only the peak bytes are
 * wanted: GPU kernels then report no time.
 */
export async function profileStep(fn: () => unknown, top = 15, kernelTimes = true): Promise<KernelProfile> {
  const backend = tf.getBackend()
  const t0 = performance.now()
  const run = async () => {
    await fn()
  }
  const info = await (kernelTimes ? tf.profile(run) : profileWithoutTimestamps(run))
  const stepMs = performance.now() - t0
  const byName = new Map<string, { calls: number; totalMs: number }>()
  const byShape = new Map<string, { calls: number; totalMs: number }>()
  const add = (map: typeof byName, key: string, ms: number) => {
    const entry = map.get(key) ?? { calls: 0, totalMs: 0 }
    entry.calls += 1
    entry.totalMs += ms
    map.set(key, entry)
  }
  for (const k of info.kernels) {
    // Scopes of tf.customGrad are recorded with their scope name and nest real kernels: skip them.
    if (tf.getKernel(k.name, backend) === undefined) continue
    const ms = await k.kernelTimeMs
    const time = typeof ms === 'number' ? ms : 0
    add(byName, k.name, time)
    if (/MatMul/.test(k.name)) {
      const shapes = k.inputShapes.slice(0, 2).map((s) => `[${(s ?? []).join(',')}]`)
      add(byShape, `${k.name} ${shapes.join('·')}`, time)
    }
  }
  const ranked = (map: typeof byName): KernelTime[] =>
    [...map.entries()]
      .map(([kernel, e]) => ({ kernel, calls: e.calls, totalMs: e.totalMs, share: e.totalMs / stepMs }))
      .sort((a, b) => b.totalMs - a.totalMs)
  const all = ranked(byName)
  const kernelMs = all.reduce((s, k) => s + k.totalMs, 0)
  return {
    stepMs,
    kernelMs,
    kernels: all.slice(0, top),
    matMulShapes: ranked(byShape).slice(0, 10),
    outsideKernelsMs: Math.max(0, stepMs - kernelMs),
    peakBytes: info.peakBytes
  }
}
