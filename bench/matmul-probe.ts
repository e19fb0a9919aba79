// The backend's own speed on the product DESIGN.md's table uses, [512,768]·[768,2304] as a plain 2-D
// matMul, measured in the same process as a case so that "efficiency" compares like with like.
import * as tf from '@tensorflow/tfjs-core'
import { matMulFlops } from './flops'
import { median, timed } from './process-meter'

export interface MatMulSpeed {
  shape: string
  /** Median wall time of one product. */
  wallMs: number
  cpuMs: number
  gflopsWall: number
  /** FLOPs per CPU second: what the backend does while it actually runs, independent of machine load. */
  gflopsCpu: number
}

export function probeMatMul(repeats = 7, m = 512, k = 768, n = 2304): MatMulSpeed {
  const a = tf.randomUniform([m, k], -1, 1, 'float32', 1) as tf.Tensor2D
  const b = tf.randomUniform([k, n], -1, 1, 'float32', 2) as tf.Tensor2D
  const run = () => {
    const c = tf.matMul(a, b)
    c.dataSync()
    c.dispose()
  }
  run()
  const walls: number[] = []
  const cpus: number[] = []
  for (let i = 0; i < repeats; i++) {
    const t = timed(run)
    walls.push(t.wallMs)
    cpus.push(t.cpuMs)
  }
  tf.dispose([a, b])
  const flops = matMulFlops(m, k, n)
  const wallMs = median(walls)
  const cpuMs = median(cpus)
  return {
    shape: `[${m},${k}]·[${k},${n}]`,
    wallMs,
    cpuMs,
    gflopsWall: flops / wallMs / 1e6,
    gflopsCpu: flops / Math.max(cpuMs, 1e-3) / 1e6
  }
}
