// The backend's own speed on the first product of docs/ARCHITECTURE.md's wasm table, [512,768]·[768,2304]
// as a plain 2-D matMul, measured in the same process as a case so that "efficiency" compares like with like.
// On a GPU backend a sample queues several products and reads the last one back, so the figure is the
// adapter's speed rather than the cost of one readback.
import * as tf from '@tensorflow/tfjs-core'
import { matMulFlops } from './flops'
import { median, timedAsync } from './process-meter'

export interface MatMulSpeed {
  shape: string
  /** Fastest wall time of one product (the backend's speed when nothing interferes). */
  wallMs: number
  /** Fastest CPU time of one product. */
  cpuMs: number
  medianWallMs: number
  samples: number
  /** Products queued per sample before the one read (1 on CPU backends). */
  productsPerSample: number
  gflopsWall: number
  /** FLOPs per CPU second: what the backend does while it actually runs, independent of machine load. */
  gflopsCpu: number
}

const M = 512
const K = 768
const N = 2304
/** A sample shorter than this queues twice the products (a GPU's product takes well under a millisecond). */
const MIN_SAMPLE_MS = 50
const MAX_PRODUCTS = 1024

export interface MatMulSamples {
  /** Per product: each sample's time divided by its products. */
  wallMs: number[]
  cpuMs: number[]
  productsPerSample: number
}

/** `products` products back to back, then one read of the last: what a step's kernels do between reads. */
async function runProducts(a: tf.Tensor2D, b: tf.Tensor2D, products: number): Promise<void> {
  for (let i = 0; i < products - 1; i++) tf.matMul(a, b).dispose()
  const c = tf.matMul(a, b)
  await c.data()
  c.dispose()
}

/**
 * `repeats` timed samples after an untimed one; a sample grows (doubling the products it queues)
 * until it takes MIN_SAMPLE_MS, which on wasm and cpu is already one product.
 */
export async function sampleMatMul(repeats = 7): Promise<MatMulSamples> {
  const a = tf.randomUniform([M, K], -1, 1, 'float32', 1) as tf.Tensor2D
  const b = tf.randomUniform([K, N], -1, 1, 'float32', 2) as tf.Tensor2D
  await runProducts(a, b, 1)
  let products = 1
  for (;;) {
    const t = await timedAsync(() => runProducts(a, b, products))
    if (t.wallMs >= MIN_SAMPLE_MS || products >= MAX_PRODUCTS) break
    products *= 2
  }
  const out: MatMulSamples = { wallMs: [], cpuMs: [], productsPerSample: products }
  for (let i = 0; i < repeats; i++) {
    const t = await timedAsync(() => runProducts(a, b, products))
    out.wallMs.push(t.wallMs / products)
    out.cpuMs.push(t.cpuMs / products)
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
    productsPerSample: Math.max(...sets.map((s) => s.productsPerSample)),
    gflopsWall: flops / wallMs / 1e6,
    gflopsCpu: flops / cpuMs / 1e6
  }
}
