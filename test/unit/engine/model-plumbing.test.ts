// The model code's plumbing: a custom op's backward pass reads what its forward pass saved by name
// (single tensors, lists, absent ones), and a dropout mask source gives a site the same masks every
// time its key is asked for, whatever was drawn in between (what block recomputation relies on).
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from '../../../src/engine/model/custom-op'
import { dropoutMasks, rowDropoutMask } from '../../../src/engine/model/dropout-mask'
import type { DropoutMasks } from '../../../src/engine/model/dropout-mask'
import { backendsUnderTest, useBackend } from './gpt2-reference'

describe.each(backendsUnderTest)('model plumbing on %s', (backend) => {
  beforeAll(() => useBackend(backend))

  it('hands the backward pass its saved tensors by name: one, a list, and null for none', async () => {
    const before = tf.memory().numTensors
    const seen: string[] = []
    // y = x² + 3x with the backward pass written from saved names only: dy·(2x + 3).
    const op = (x: tf.Tensor) =>
      customOp([x], ([input]: tf.Tensor[]) => ({
        value: tf.add(tf.square(input), tf.mul(input, 3)),
        saved: { x: input, terms: [tf.scalar(2), tf.scalar(3)], mask: null },
        gradFunc: (dy, saved) => {
          seen.push(`x ${saved.x.shape.join('×')}, ${saved.terms.length} terms, mask ${String(saved.mask)}`)
          return tf.mul(dy, tf.add(tf.mul(saved.x, saved.terms[0]), saved.terms[1]))
        }
      }))
    const x = tf.tensor1d([-2, 0.5, 4])
    const dx = tf.grad(op)(x)
    expect(Array.from(await dx.data())).toEqual([-1, 4, 11])
    expect(seen).toEqual(['x 3, 2 terms, mask null'])
    tf.dispose([x, dx])
    expect(tf.memory().numTensors).toBe(before)
  })

  it('gives a dropout site the same masks whenever its key is asked for, and other sites other masks', async () => {
    const maskOf = async (masks: DropoutMasks, key: string): Promise<number[]> => {
      const mask = rowDropoutMask([2 * 4, 8], 0.5, masks, key)
      const values = Array.from(await mask.data())
      mask.dispose()
      return values
    }
    const masks = dropoutMasks([21, 22])
    const first = await maskOf(masks, 'h.0.attn.resid_dropout')
    const other = await maskOf(masks, 'h.0.mlp.dropout')
    expect(await maskOf(masks, 'h.0.attn.resid_dropout')).toEqual(first)
    expect(other).not.toEqual(first)
    // another pass (a data-parallel worker, say) that asks for the same sites gets the same masks
    const elsewhere = dropoutMasks([21, 22])
    expect(await maskOf(elsewhere, 'h.0.attn.resid_dropout')).toEqual(first)
    expect(await maskOf(elsewhere, 'h.0.mlp.dropout')).toEqual(other)
  })
})
