// GPT-2 as a CausalLm for generation: a decode session keeps per-layer keys/values so each new token
// costs one position's forward pass; the prompt is prefilled in one pass with the 2-D attention path.
import * as tf from '@tensorflow/tfjs-core'
import type { CausalLm, DecodeSession } from '../generation/causal-lm'
import { causalSelfAttention, MASKED_SCORE, qkvToHeadRows } from './attention'
import type { Gpt2Model } from './gpt2-model'

export class Gpt2CausalLm implements CausalLm {
  readonly model: Gpt2Model

  constructor(model: Gpt2Model) {
    this.model = model
  }

  get vocabSize(): number {
    return this.model.config.vocabSize
  }

  get maxPositions(): number {
    return this.model.config.nPositions
  }

  startSession(): DecodeSession {
    return new Gpt2DecodeSession(this.model)
  }
}

/** Keys and values per layer as `[nHead, length, headDim]`, grown by concatenation along the length. */
class Gpt2DecodeSession implements DecodeSession {
  private readonly model: Gpt2Model
  private keys: (tf.Tensor3D | null)[]
  private values: (tf.Tensor3D | null)[]
  private fed = 0
  private disposed = false

  constructor(model: Gpt2Model) {
    this.model = model
    this.keys = new Array<tf.Tensor3D | null>(model.config.nLayer).fill(null)
    this.values = new Array<tf.Tensor3D | null>(model.config.nLayer).fill(null)
  }

  get length(): number {
    return this.fed
  }

  async append(ids: number[]): Promise<Float32Array> {
    if (this.disposed) throw new Error('this decode session was disposed; start a new one')
    if (ids.length === 0) throw new Error('append needs at least one token id')
    const n = ids.length
    const offset = this.fed
    const embd = this.model.config.nEmbd
    const logits = tf.tidy(() => {
      const hidden = this.model.run(Int32Array.from(ids), 1, n, offset, { train: false }, (layer, qkv) =>
        this.attend(layer, qkv, n, offset)
      )
      return this.model.logits(tf.slice(hidden, [n - 1, 0], [1, embd]))
    })
    this.fed += n
    const data = await logits.data()
    logits.dispose()
    return Float32Array.from(data as Float32Array)
  }

  private attend(layer: number, qkv: tf.Tensor2D, n: number, offset: number): tf.Tensor2D {
    const nHead = this.model.config.nHead
    const embd = qkv.shape[1] / 3
    const headDim = embd / nHead
    const heads = tf.reshape(qkvToHeadRows(qkv, { batch: 1, seqLen: n, nHead }), [3 * nHead, n, headDim])
    const kNew = tf.slice(heads, [nHead, 0, 0], [nHead, n, headDim]) as tf.Tensor3D
    const vNew = tf.slice(heads, [2 * nHead, 0, 0], [nHead, n, headDim]) as tf.Tensor3D
    const oldK = this.keys[layer]
    const oldV = this.values[layer]
    if (oldK === null || oldV === null) {
      this.keys[layer] = tf.keep(kNew)
      this.values[layer] = tf.keep(vNew)
      return causalSelfAttention(qkv, { batch: 1, seqLen: n, nHead }, null, 0, null)
    }
    const k = tf.keep(tf.concat([oldK, kNew], 1))
    const v = tf.keep(tf.concat([oldV, vNew], 1))
    oldK.dispose()
    oldV.dispose()
    this.keys[layer] = k
    this.values[layer] = v
    const total = offset + n
    const q = tf.mul(tf.slice(heads, [0, 0, 0], [nHead, n, headDim]), 1 / Math.sqrt(headDim)) as tf.Tensor3D
    let scores = tf.matMul(q, k, false, true)
    if (n > 1) {
      const bias = new Float32Array(n * total)
      for (let i = 0; i < n; i++)
        for (let j = offset + i + 1; j < total; j++) bias[i * total + j] = MASKED_SCORE
      scores = tf.add(scores, tf.tensor2d(bias, [n, total]))
    }
    const out = tf.matMul(tf.softmax(scores), v)
    return tf.reshape(tf.transpose(out, [1, 0, 2]), [n, embd])
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    tf.dispose([...this.keys, ...this.values].filter((t): t is tf.Tensor3D => t !== null))
  }
}
