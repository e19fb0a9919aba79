// A frozen `[rows, width]` matrix read only by row gathers (the token embedding, the LM head's target rows),
// kept in row blocks that each fit in one shader binding: WebGPU binds at most maxStorageBufferBindingSize
// bytes (128 MiB on lavapipe, less than GPT-2's 154 MB wte). Where nothing limits it, one block, no copy.
import * as tf from '@tensorflow/tfjs-core'
import { maxBindingBytes } from '../webgpu-adapter'

export interface RowTable {
  /** Consecutive row blocks of `blockRows` rows (the last may be shorter). */
  blocks: tf.Tensor2D[]
  blockRows: number
  rows: number
  width: number
}

/** Rows per block so that a block of `width` float32 columns is at most `limitBytes`. */
export function rowsPerBlock(rows: number, width: number, limitBytes: number): number {
  const fit = Math.floor(limitBytes / (width * 4))
  if (fit < 1) throw new Error(`internal: one row of ${width} floats is more than ${limitBytes} bytes`)
  return Math.min(rows, fit)
}

/** A table from row-major float32 data; `limitBytes` defaults to what the current backend can bind. */
export function createRowTable(
  data: Float32Array,
  rows: number,
  width: number,
  limitBytes = maxBindingBytes()
): RowTable {
  if (data.length !== rows * width) throw new Error(`internal: ${data.length} values for ${rows} × ${width}`)
  const blockRows = rowsPerBlock(rows, width, limitBytes)
  const blocks: tf.Tensor2D[] = []
  for (let start = 0; start < rows; start += blockRows) {
    const n = Math.min(blockRows, rows - start)
    blocks.push(tf.tensor2d(data.subarray(start * width, (start + n) * width), [n, width]))
  }
  return { blocks, blockRows, rows, width }
}

/** `table[ids]` as `[ids.length, width]`; ids are checked by the callers (token ids, labels). */
export function gatherRows(table: RowTable, ids: Int32Array): tf.Tensor2D {
  if (table.blocks.length === 1) return tf.tidy(() => tf.gather(table.blocks[0], tf.tensor1d(ids, 'int32')))
  // Gather each block's ids from that block, then put the rows back in the order asked.
  const positions: number[][] = table.blocks.map(() => [])
  ids.forEach((id, pos) => positions[Math.floor(id / table.blockRows)].push(pos))
  const order = new Int32Array(ids.length)
  return tf.tidy(() => {
    const parts: tf.Tensor2D[] = []
    let next = 0
    positions.forEach((inBlock, b) => {
      if (inBlock.length === 0) return
      const local = Int32Array.from(inBlock, (pos) => ids[pos] - b * table.blockRows)
      parts.push(tf.gather(table.blocks[b], tf.tensor1d(local, 'int32')))
      for (const pos of inBlock) order[pos] = next++
    })
    const grouped = parts.length === 1 ? parts[0] : tf.concat(parts, 0)
    return tf.gather(grouped, tf.tensor1d(order, 'int32'))
  })
}

export function disposeRowTable(table: RowTable): void {
  tf.dispose(table.blocks)
}
