// The backend's own speed on the first product of docs/ARCHITECTURE.md's wasm table, [512,768]·[768,2304]
// as a plain 2-D matMul, measured in the same process as a case so that "efficiency" compares like with like.
import * as tf from '@tensorflow/tfjs-core'
import { matMulFlops } from './flops'
import { median, timed } from './process-meter'

export interface MatMulSpeed {
  shape: string
  /** Fastest wall time of one product (the backend's speed when nothing interferes). */
  wallMs: number
  /** Fastest CPU time of one product. */
  cpuMs: number
  medianWallMs: number
  samples: number
  gflopsWall: number
  /** FLOPs per CPU second: what the backend does while it actually runs, independent of machine load. */
  gflopsCpu: number
}

const M = 512
const K = 768
const N = 2304

export interface MatMulSamples {
  wallMs: number[]
  cpuMs: number[]
}

/** `repeats` timed products after one untimed one. */
export function sampleMatMul(repeats = 7): MatMulSamples {
  const a = tf.randomUniform([M, K], -1, 1, 'float32', 1) as tf.Tensor2D
  const b = tf.randomUniform([K, N], -1, 1, 'float32', 2) as tf.Tensor2D
  const run = () => {
    const c = tf.matMul(a, b)
    c.dataSync()
    c.dispose()
  }
  run()
  const out: MatMulSamples = { wallMs: [], cpuMs: [] }
  for (let i = 0; i < repeats; i++) {
    const t = timed(run)
    out.wallMs.push(t.wallMs)
    out.cpuMs.push(t.cpuMs)
  }
  tf.dispose([a, b])
  return out
}

/** The speed from samples taken before and after a case: the fastest product counts. */
export function matMulSpeed(...sets: MatMulSamples[]): MatMulSpeed {
  const wall = sets.flatMap((s) => s.wallMs)
  const cpu = sets.flatMap((s) => s.cpuMs)
  const flops = matMulFlops(M, K, N)
  const wallMs = Math.min(...wall)
  const cpuMs = Math.max(Math.min(...cpu), 1e-3)
  return {
    shape: `[${M},${K}]·[${K},${N}]`,
    wallMs,
    cpuMs,
    medianWallMs: median(wall),
    samples: wall.length,
    gflopsWall: flops / wallMs / 1e6,
    gflopsCpu: flops / cpuMs / 1e6
  }
}
