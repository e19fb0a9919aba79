// A decoder model (GPT-2, Llama, Qwen) as a CausalLm for generation: a decode session keeps per-layer
// keys/values so each new token costs one position's forward pass; the prompt is prefilled in one pass
// with the 2-D attention path.
import * as tf from '@tensorflow/tfjs-core'
import { throwIfGpuFailed } from '../webgpu-adapter'
import type { CausalLm, DecodeSession } from '../generation/causal-lm'
import { causalSelfAttention, MASKED_SCORE, qkvHeadCount, qkvToHeadRows } from './attention'
import type { DecoderModel } from './decoder-model'

/**
 * Positions a layer's open block of the KV cache holds before it is folded into the settled part.
 * tfjs tensors cannot be written in place, so growing one cache tensor copies all of it every token;
 * with an open block only the block is copied per token and the whole cache once per block.
 */
export const DEFAULT_CACHE_BLOCK = 64

export interface DecoderCausalLmOptions {
  /** Open-block size of the KV cache (default DEFAULT_CACHE_BLOCK); any size gives the same logits. */
  cacheBlock?: number
}

export class DecoderCausalLm implements CausalLm {
  readonly model: DecoderModel
  readonly cacheBlock: number

  constructor(model: DecoderModel, options: DecoderCausalLmOptions = {}) {
    const block = options.cacheBlock ?? DEFAULT_CACHE_BLOCK
    if (!Number.isInteger(block) || block < 1)
      throw new Error(`cacheBlock must be a whole number ≥ 1; got ${block}`)
    this.model = model
    this.cacheBlock = block
  }

  get vocabSize(): number {
    return this.model.dims.vocabSize
  }

  get maxPositions(): number {
    return this.model.dims.maxPositions
  }

  startSession(): DecodeSession {
    return new DecoderSession(this.model, this.cacheBlock)
  }
}

/** Keys and values of some positions as `[kvHeads, length, headDim]` (key/value heads, never repeated). */
interface KvPart {
  k: tf.Tensor3D
  v: tf.Tensor3D
}

/** One layer's cache: settled positions (grown once per block) followed by the open block (grown per token). */
interface LayerCache {
  settled: KvPart | null
  open: KvPart | null
}

const partTensors = (c: LayerCache): tf.Tensor3D[] =>
  [c.settled, c.open].flatMap((p) => (p === null ? [] : [p.k, p.v]))

class DecoderSession implements DecodeSession {
  private readonly model: DecoderModel
  private readonly block: number
  private layers: LayerCache[]
  private fed = 0
  private disposed = false

  constructor(model: DecoderModel, block: number) {
    this.model = model
    this.block = block
    this.layers = Array.from({ length: model.dims.numLayers }, () => ({ settled: null, open: null }))
  }

  get length(): number {
    return this.fed
  }

  async append(ids: number[]): Promise<Float32Array> {
    if (this.disposed) throw new Error('this decode session was disposed; start a new one')
    if (ids.length === 0) throw new Error('append needs at least one token id')
    const n = ids.length
    const offset = this.fed
    const logits = tf.tidy(() => {
      const pass = {
        inputIds: Int32Array.from(ids),
        batch: 1,
        seqLen: n,
        positionOffset: offset,
        mode: { train: false } as const
      }
      const hidden = this.model.run(pass, (layer, qkv) => this.attend(layer, qkv, n, offset))
      return this.model.logits(tf.slice(hidden, [n - 1, 0], [1, hidden.shape[1]]))
    })
    this.fed += n
    const data = await logits.data()
    logits.dispose()
    throwIfGpuFailed('the next-token logits')
    return Float32Array.from(data as Float32Array)
  }

  /**
   * One layer's attention for `n` new positions at `offset`: the cache keeps the key/value heads as they
   * are (`[kvHeads, length, headDim]`), and the query heads that share a key head are stacked into one
   * `[group·n, headDim]` block per key head, so no key or value is repeated, in the cache or per token.
   */
  private attend(layer: number, qkv: tf.Tensor2D, n: number, offset: number): tf.Tensor2D {
    const { attentionHeads: nHead, keyValueHeads: kvHeads } = this.model.dims
    const shape = { batch: 1, seqLen: n, nHead, kvHeads }
    const group = nHead / kvHeads
    const headDim = qkv.shape[1] / qkvHeadCount(shape)
    const heads = tf.reshape(qkvToHeadRows(qkv, shape), [qkvHeadCount(shape), n, headDim])
    const kNew = tf.slice(heads, [nHead, 0, 0], [kvHeads, n, headDim]) as tf.Tensor3D
    const vNew = tf.slice(heads, [nHead + kvHeads, 0, 0], [kvHeads, n, headDim]) as tf.Tensor3D
    const cache = this.layers[layer]
    if (cache.settled === null && cache.open === null) {
      this.store(layer, null, { k: kNew, v: vNew })
      return causalSelfAttention(qkv, shape, null, null)
    }
    const settled = cache.settled
    const open: KvPart =
      cache.open === null
        ? { k: kNew, v: vNew }
        : { k: tf.concat([cache.open.k, kNew], 1), v: tf.concat([cache.open.v, vNew], 1) }
    const settledLen = settled?.k.shape[1] ?? 0
    const openLen = open.k.shape[1]
    // Row r·n + i of key head g's block is query position i of query head g·group + r.
    const q = tf.reshape(tf.mul(tf.slice(heads, [0, 0, 0], [nHead, n, headDim]), 1 / Math.sqrt(headDim)), [
      kvHeads,
      group * n,
      headDim
    ]) as tf.Tensor3D
    let openScores = tf.matMul(q, open.k, false, true)
    if (n > 1) {
      // Query i sits at position offset + i; open key j at settledLen + j. Settled keys are all earlier.
      const bias = new Float32Array(group * n * openLen)
      for (let r = 0; r < group * n; r++)
        for (let j = 0; j < openLen; j++)
          if (settledLen + j > offset + (r % n)) bias[r * openLen + j] = MASKED_SCORE
      openScores = tf.add(openScores, tf.tensor2d(bias, [group * n, openLen]))
    }
    let out: tf.Tensor3D
    if (settled === null) {
      out = tf.matMul(tf.softmax(openScores), open.v)
    } else {
      const p = tf.softmax(tf.concat([tf.matMul(q, settled.k, false, true), openScores], 2))
      out = tf.add(
        tf.matMul(tf.slice(p, [0, 0, 0], [kvHeads, group * n, settledLen]), settled.v),
        tf.matMul(tf.slice(p, [0, 0, settledLen], [kvHeads, group * n, openLen]), open.v)
      )
    }
    this.store(layer, settled, open)
    return tf.reshape(tf.transpose(tf.reshape(out, [nHead, n, headDim]), [1, 0, 2]), [n, nHead * headDim])
  }

  /** Makes `settled` + `open` the layer's cache, folding a full open block into the settled part. */
  private store(layer: number, settled: KvPart | null, open: KvPart): void {
    const next: LayerCache =
      open.k.shape[1] < this.block
        ? { settled, open }
        : {
            settled:
              settled === null
                ? open
                : { k: tf.concat([settled.k, open.k], 1), v: tf.concat([settled.v, open.v], 1) },
            open: null
          }
    const kept = new Set(partTensors(next))
    for (const t of partTensors(this.layers[layer])) if (!kept.has(t)) t.dispose()
    for (const t of kept) tf.keep(t)
    this.layers[layer] = next
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    tf.dispose(this.layers.flatMap(partTensors))
  }
}
