// Linear layers (GPT-2's Conv1D, Llama's nn.Linear), frozen or with a LoRA branch, as custom-gradient ops whose backward pass uses
// only plain 2-D matMuls (the stored Wᵀ, small explicit transposes): wasm runs transposed products ~14× slower.
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom-op'
import { rowDropoutMask } from './dropout-mask'
import type { DropoutMasks } from './dropout-mask'
import type { FrozenLinear } from './frozen-weights'

/** The trainable part of a LoRA layer: A `[r, in]`, B `[out, r]`, y += dropout(x)·Aᵀ·Bᵀ·scaling. */
export interface LoraBranch {
  a: tf.Variable
  b: tf.Variable
  scaling: number
}

/**
 * y = x·W + b (+ LoRA). `inputGrad`: whether anything upstream is trainable; when false the
 * backward pass skips dx (returns zeros) since no trainable tensor would receive it.
 * `loraDropout`: a mask (0 or 1/(1−p)) for the LoRA input, or null.
 */
export function linear(
  x: tf.Tensor2D,
  layer: FrozenLinear,
  lora: LoraBranch | null,
  inputGrad: boolean,
  loraDropout: tf.Tensor | null
): tf.Tensor2D {
  if (lora === null) return frozenLinear(x, layer, inputGrad)
  return loraLinear(x, layer, lora, inputGrad, loraDropout)
}

/**
 * `linear` for the module named `module` (its PEFT name) in a forward pass: in training (`masks` given) the
 * LoRA input's dropout mask (p = `loraDropout`) is drawn from site `${module}.lora_dropout`.
 */
export function moduleLinear(
  x: tf.Tensor2D,
  layer: FrozenLinear,
  lora: LoraBranch | null,
  inputGrad: boolean,
  dropout: { masks: DropoutMasks | null; p: number; module: string }
): tf.Tensor2D {
  const mask =
    lora !== null && dropout.masks !== null && dropout.p > 0
      ? rowDropoutMask(x.shape, dropout.p, dropout.masks, `${dropout.module}.lora_dropout`)
      : null
  const y = linear(x, layer, lora, inputGrad, mask)
  mask?.dispose()
  return y
}

function frozenLinear(x: tf.Tensor2D, layer: FrozenLinear, inputGrad: boolean): tf.Tensor2D {
  return customOp([x], ([input]: tf.Tensor[]) => ({
    value: tf.fused.matMul({
      a: input as tf.Tensor2D,
      b: layer.w,
      bias: layer.b ?? undefined
    }) as tf.Tensor2D,
    gradFunc: (dy) => (inputGrad ? tf.matMul(dy, layer.wT) : tf.zerosLike(dy))
  }))
}

function loraLinear(
  x: tf.Tensor2D,
  layer: FrozenLinear,
  lora: LoraBranch,
  inputGrad: boolean,
  loraDropout: tf.Tensor | null
): tf.Tensor2D {
  const s = lora.scaling
  return customOp([x, lora.a, lora.b], ([input, a, b]: tf.Tensor[]) => {
    const x2 = input as tf.Tensor2D
    const xd = (loraDropout === null ? x2 : tf.mul(x2, loraDropout)) as tf.Tensor2D
    // u = s·(xd·Aᵀ) is [N, r]: scaling applied on the narrow side.
    const us = tf.mul(tf.matMul(xd, tf.transpose(a as tf.Tensor2D)), s) as tf.Tensor2D
    const base = tf.fused.matMul({ a: x2, b: layer.w, bias: layer.b ?? undefined })
    const value = tf.add(base, tf.matMul(us, tf.transpose(b as tf.Tensor2D))) as tf.Tensor2D
    return {
      value,
      saved: { xd, us, a: a as tf.Tensor2D, b: b as tf.Tensor2D, mask: loraDropout },
      gradFunc: (dy, saved) => {
        const gs = tf.mul(tf.matMul(dy, saved.b), s) as tf.Tensor2D // s·dy·B, [N, r]
        const dA = tf.matMul(tf.transpose(gs), saved.xd) // [r, in]
        const dB = tf.transpose(tf.matMul(tf.transpose(saved.us), dy)) // [out, r]
        let dx: tf.Tensor
        if (inputGrad) {
          const dxLora = tf.matMul(gs, saved.a)
          dx = tf.add(tf.matMul(dy, layer.wT), saved.mask === null ? dxLora : tf.mul(dxLora, saved.mask))
        } else {
          dx = tf.zerosLike(saved.xd)
        }
        return [dx, dA, dB]
      }
    }
  })
}
