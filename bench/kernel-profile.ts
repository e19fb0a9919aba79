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
  /** Wall time outside any kernel: JavaScript, the tape, allocation, data transfer. */
  outsideKernelsMs: number
  peakBytes: number
}

/** Profiles one call of `fn`; `top` kernels are kept. */
export async function profileStep(fn: () => unknown, top = 15): Promise<KernelProfile> {
  const backend = tf.getBackend()
  const t0 = performance.now()
  const info = await tf.profile(async () => {
    await fn()
  })
  const stepMs = performance.now() - t0
  const byName = new Map<string, { calls: number; totalMs: number }>()
  for (const k of info.kernels) {
    // Scopes of tf.customGrad are recorded with their scope name and nest real kernels: skip them.
    if (tf.getKernel(k.name, backend) === undefined) continue
    const ms = await k.kernelTimeMs
    const time = typeof ms === 'number' ? ms : 0
    const entry = byName.get(k.name) ?? { calls: 0, totalMs: 0 }
    entry.calls += 1
    entry.totalMs += time
    byName.set(k.name, entry)
  }
  const all = [...byName.entries()].map(([kernel, e]) => ({
    kernel,
    calls: e.calls,
    totalMs: e.totalMs,
    share: e.totalMs / stepMs
  }))
  all.sort((a, b) => b.totalMs - a.totalMs)
  const kernelMs = all.reduce((s, k) => s + k.totalMs, 0)
  return {
    stepMs,
    kernelMs,
    kernels: all.slice(0, top),
    outsideKernelsMs: Math.max(0, stepMs - kernelMs),
    peakBytes: info.peakBytes
  }
}
