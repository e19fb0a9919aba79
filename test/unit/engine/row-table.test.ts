// Row tables: a frozen matrix kept in row blocks no larger than one WebGPU binding, gathered as if whole;
// and the sizes they give GPT-2-small's 154 MB wte under lavapipe's 128 MiB limit.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/generation/rng'
import { createLmHead, disposeLmHead } from '../../../src/engine/model/frozen-weights'
import {
  createRowTable,
  disposeRowTable,
  gatherRows,
  rowsPerBlock
} from '../../../src/engine/model/row-table'
import { backendsUnderTest, useBackend, values } from './gpt2-reference'

const MiB = 2 ** 20

describe('row blocks for a binding limit', () => {
  it("cuts GPT-2-small's wte (50257 × 768, 154 MB) into 2 blocks under 128 MiB, and none without a limit", () => {
    expect(rowsPerBlock(50257, 768, 128 * MiB)).toBe(43690)
    expect(43690 * 768 * 4).toBeLessThanOrEqual(128 * MiB)
    expect(rowsPerBlock(50257, 768, Number.POSITIVE_INFINITY)).toBe(50257)
    // GPT-2 XL's 1600-wide rows: 3 blocks under 128 MiB
    expect(Math.ceil(50257 / rowsPerBlock(50257, 1600, 128 * MiB))).toBe(3)
  })
})

describe.each(backendsUnderTest)('row tables on %s', (backend) => {
  beforeAll(() => useBackend(backend))

  const rows = 11
  const width = 3
  const rng = new Rng(5)
  const data = Float32Array.from({ length: rows * width }, () => rng.nextFloat())

  it('gathers rows in the order asked, across blocks, as from the whole matrix', async () => {
    const before = tf.memory().numTensors
    const table = createRowTable(data, rows, width, 4 * width * 4)
    expect(table.blocks.map((b) => b.shape[0])).toEqual([4, 4, 3])
    const ids = Int32Array.from([10, 0, 5, 5, 3, 8, 1, 10])
    const got = gatherRows(table, ids)
    const expected = Array.from(ids).flatMap((id) => Array.from(data.subarray(id * width, (id + 1) * width)))
    expect(Array.from(await values(got))).toEqual(expected)
    got.dispose()
    disposeRowTable(table)
    expect(tf.memory().numTensors).toBe(before)
  })

  it("cuts an LM head's transposed column blocks to the limit too", async () => {
    const head = createLmHead({ shape: [rows, width], data }, { limitBytes: 5 * width * 4 })
    expect(head.rows.blocks.map((b) => b.shape[0])).toEqual([5, 5, 1])
    expect(head.wTBlocks.map((b) => b.shape)).toEqual([
      [width, 4],
      [width, 4],
      [width, 3]
    ])
    const first = await values(head.wTBlocks[0])
    // wTBlocks[0][e][v] = W[v][e]
    expect(first[1 * 4 + 2]).toBe(data[2 * width + 1])
    disposeLmHead(head, false)
  })
})
