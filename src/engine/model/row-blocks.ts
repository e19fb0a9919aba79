// Cuts a 2-D tensor into equal row blocks. On wasm, Slice and Gather copy far more than they return
// (Slice reads its whole input out of the heap), so host-resident backends split the data in JS.
import * as tf from '@tensorflow/tfjs-core'

/**
 * Backends whose tensors live in this process's memory, where a read is a plain copy: the one synchronous
 * read left in the engine, never taken on a GPU backend (webgpu has none; there tf.split stays on the device).
 */
function hostResident(): boolean {
  const name = tf.getBackend()
  return name === 'wasm' || name === 'cpu'
}

/** `[Σ sizes, d]` → one tensor per entry of `sizes`, taking consecutive rows. */
export function splitRows(rows: tf.Tensor2D, sizes: number[]): tf.Tensor2D[] {
  const [total, width] = rows.shape
  if (sizes.reduce((a, b) => a + b, 0) !== total) {
    throw new Error(`internal: row sizes ${sizes.join('+')} do not add up to ${total}`)
  }
  if (!hostResident()) return tf.split(rows, sizes, 0)
  const data = rows.dataSync() as Float32Array
  const parts: tf.Tensor2D[] = []
  let start = 0
  for (const n of sizes) {
    parts.push(tf.tensor2d(data.slice(start * width, (start + n) * width), [n, width]))
    start += n
  }
  return parts
}

/** `[count·n, d]` → `count` tensors `[n, d]`, in order. */
export function splitRowBlocks(rows: tf.Tensor2D, count: number): tf.Tensor2D[] {
  const total = rows.shape[0]
  if (total % count !== 0) throw new Error(`internal: ${total} rows do not split into ${count} equal blocks`)
  return splitRows(rows, new Array<number>(count).fill(total / count))
}
