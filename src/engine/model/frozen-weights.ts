// GPT-2's frozen weights as plain tfjs tensors (never variables), each linear layer kept with a
// pre-transposed copy so every product in forward and backward is a fast plain 2-D matMul.
import * as tf from '@tensorflow/tfjs-core'
import { gpt2WeightShapes } from '../formats/gpt2-weights'
import type { Gpt2Config } from '../formats/hf-config'
import { maxBindingBytes } from '../webgpu-adapter'
import { createRowTable, disposeRowTable } from './row-table'
import type { RowTable } from './row-table'

/**
 * A linear layer as y = x·w + b: `w` is `[in, out]` (GPT-2's Conv1D as stored; nn.Linear's weight
 * transposed), `wT` its transpose `[out, in]` for `dy·Wᵀ`; `b` null where the layer has no bias.
 */
export interface FrozenLinear {
  w: tf.Tensor2D
  wT: tf.Tensor2D
  b: tf.Tensor1D | null
}

export interface LayerNormWeights {
  gamma: tf.Tensor1D
  beta: tf.Tensor1D
}

export interface BlockWeights {
  ln1: LayerNormWeights
  cAttn: FrozenLinear
  attnCProj: FrozenLinear
  ln2: LayerNormWeights
  cFc: FrozenLinear
  mlpCProj: FrozenLinear
}

/**
 * The output projection W `[vocab, embd]` (wte when tied): `rows` for gathering target rows, and `wTBlocks`
 * its transpose cut into column blocks `[embd, ≤ LM_HEAD_BLOCK]` (vocab order). Logits and the loss multiply
 * by the blocks: on wasm a product whose inner dimension is the whole vocabulary runs ~1.5× slower than the
 * same work split into blocks, and each block stays a cached XNNPACK operand; on WebGPU no block may exceed
 * the binding limit, and neither may W, which `rows` keeps in row blocks where it would.
 */
export interface LmHeadWeights {
  rows: RowTable
  wTBlocks: tf.Tensor2D[]
}

/** Vocabulary columns per block of `wTBlocks` (GPT-2's 50257 gives 7 blocks of ≤ 7180). */
export const LM_HEAD_BLOCK = 8192

export interface LmHeadOptions {
  blockSize?: number
  /** W's rows when the caller has them already (wte of a tied model); the caller then owns them. */
  rows?: RowTable
  /** Bytes one tensor may have (default: what the backend can bind). */
  limitBytes?: number
}

/** W's transpose in column blocks, built from W's host rows (contiguous; a column slice is slow on wasm). */
export function createLmHead(w: WeightArray, options: LmHeadOptions = {}): LmHeadWeights {
  const [vocab, embd] = w.shape
  const limit = options.limitBytes ?? maxBindingBytes()
  const count = Math.max(
    Math.ceil(vocab / (options.blockSize ?? LM_HEAD_BLOCK)),
    Math.ceil((vocab * embd * 4) / limit)
  )
  const size = Math.ceil(vocab / count)
  const wTBlocks: tf.Tensor2D[] = []
  for (let start = 0; start < vocab; start += size) {
    const rows = Math.min(size, vocab - start)
    wTBlocks.push(
      tf.tidy(() =>
        tf.transpose(tf.tensor2d(w.data.subarray(start * embd, (start + rows) * embd), [rows, embd]))
      )
    )
  }
  return { rows: options.rows ?? createRowTable(w.data, vocab, embd, limit), wTBlocks }
}

/** Logits `[rows, vocab]` for hidden states `[rows, width]`: h·Wᵀ per column block of Wᵀ. */
export function lmHeadLogits(hidden: tf.Tensor2D, head: LmHeadWeights): tf.Tensor2D {
  // Per column block of wᵀ (each packed once by XNNPACK), which is also faster than one 50257-wide product.
  const blocks = head.wTBlocks
  if (blocks.length === 1) return tf.matMul(hidden, blocks[0])
  return tf.tidy(
    () =>
      tf.concat(
        blocks.map((b) => tf.matMul(hidden, b)),
        1
      ) as tf.Tensor2D
  )
}

/** Disposes what `createLmHead` made; `rows` too unless the caller owns them (wte of a tied model). */
export function disposeLmHead(head: LmHeadWeights, keepRows: boolean): void {
  tf.dispose(head.wTBlocks)
  if (!keepRows) disposeRowTable(head.rows)
}

export interface Gpt2Weights {
  /** The token embedding, in row blocks where it is larger than one tensor may be. */
  wte: RowTable
  wpe: tf.Tensor2D
  blocks: BlockWeights[]
  lnF: LayerNormWeights
  lmHead: LmHeadWeights
}

export interface WeightArray {
  shape: number[]
  data: Float32Array
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i])
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(2)} MiB`
}

/** The loaded array of `key`, checked against the shape its config implies. */
function checkedEntry(
  expected: ReadonlyMap<string, number[]>,
  arrays: ReadonlyMap<string, WeightArray>,
  key: string
): WeightArray {
  const shape = expected.get(key)
  const entry = arrays.get(key)
  if (shape === undefined) throw new Error(`internal: "${key}" is not a weight of this model`)
  if (entry === undefined) {
    throw new Error(`weight "${key}" is missing; the checkpoint does not match its config.json`)
  }
  if (!sameShape(entry.shape, shape)) {
    throw new Error(
      `weight "${key}" has shape [${entry.shape.join(', ')}] but config.json implies [${shape.join(', ')}]`
    )
  }
  return entry
}

/**
 * The accessor of a model's loaded arrays, checked against `expected`, once every weight is known to fit
 * one binding: only the embedding and the LM head (`split`) are cut into blocks, any other weight must fit
 * as it is. Checked before any tensor exists, so that a refusal leaves nothing behind.
 */
export function checkedWeights(
  expected: ReadonlyMap<string, number[]>,
  arrays: ReadonlyMap<string, WeightArray>,
  split: readonly string[],
  limit: number
): (key: string) => WeightArray {
  for (const [key, shape] of expected) {
    const bytes = shape.reduce((a, b) => a * b, 4)
    if (split.includes(key) || bytes <= limit) continue
    throw new Error(
      `weight "${key}" is ${mib(bytes)}, more than the GPU can bind in one shader (${mib(limit)}); ` +
        "this model is too large for this GPU's WebGPU limits — use a smaller model or another backend"
    )
  }
  return (key) => checkedEntry(expected, arrays, key)
}

/**
 * Turns loaded float32 arrays (keys without `transformer.`) into backend tensors, checking every
 * shape against the config. The arrays may be dropped by the caller afterwards. `limit`: bytes one
 * tensor may have (default: what the backend can bind); wte and the LM head are split to it.
 */
export function createGpt2Weights(
  config: Gpt2Config,
  arrays: ReadonlyMap<string, WeightArray>,
  limit = maxBindingBytes()
): Gpt2Weights {
  const entryOf = checkedWeights(gpt2WeightShapes(config), arrays, ['wte.weight', 'lm_head.weight'], limit)
  const take = (key: string): tf.Tensor => {
    const entry = entryOf(key)
    return tf.tensor(entry.data, entry.shape, 'float32')
  }
  const table = (key: string): RowTable => {
    const entry = entryOf(key)
    return createRowTable(entry.data, entry.shape[0], entry.shape[1], limit)
  }
  const linear = (prefix: string): FrozenLinear => {
    const w = take(`${prefix}.weight`) as tf.Tensor2D
    return { w, wT: tf.transpose(w), b: take(`${prefix}.bias`) as tf.Tensor1D }
  }
  const layerNorm = (prefix: string): LayerNormWeights => ({
    gamma: take(`${prefix}.weight`) as tf.Tensor1D,
    beta: take(`${prefix}.bias`) as tf.Tensor1D
  })
  const wte = table('wte.weight')
  const blocks: BlockWeights[] = []
  for (let i = 0; i < config.nLayer; i++) {
    blocks.push({
      ln1: layerNorm(`h.${i}.ln_1`),
      cAttn: linear(`h.${i}.attn.c_attn`),
      attnCProj: linear(`h.${i}.attn.c_proj`),
      ln2: layerNorm(`h.${i}.ln_2`),
      cFc: linear(`h.${i}.mlp.c_fc`),
      mlpCProj: linear(`h.${i}.mlp.c_proj`)
    })
  }
  const lmHead = config.tieWordEmbeddings
    ? createLmHead(entryOf('wte.weight'), { rows: wte, limitBytes: limit })
    : createLmHead(entryOf('lm_head.weight'), { limitBytes: limit })
  return {
    wte,
    wpe: take('wpe.weight') as tf.Tensor2D,
    blocks,
    lnF: layerNorm('ln_f'),
    lmHead
  }
}

/** A frozen linear's tensors, for disposing. */
export function linearTensors(layer: FrozenLinear): tf.Tensor[] {
  return layer.b === null ? [layer.w, layer.wT] : [layer.w, layer.wT, layer.b]
}

export function disposeGpt2Weights(weights: Gpt2Weights): void {
  disposeLmHead(weights.lmHead, weights.lmHead.rows === weights.wte)
  disposeRowTable(weights.wte)
  const all: tf.Tensor[] = [weights.wpe, weights.lnF.gamma, weights.lnF.beta]
  for (const block of weights.blocks) {
    for (const ln of [block.ln1, block.ln2]) all.push(ln.gamma, ln.beta)
    for (const lin of [block.cAttn, block.attnCProj, block.cFc, block.mlpCProj])
      all.push(...linearTensors(lin))
  }
  tf.dispose(all)
}
