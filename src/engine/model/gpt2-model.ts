// GPT-2 (HF GPT2LMHeadModel's math) over frozen tensors with optional LoRA: embeddings, blocks, ln_f
// and the tied LM head. Training mode adds dropout from a seeded RNG; eval mode is deterministic.
import * as tf from '@tensorflow/tfjs-core'
import type { Gpt2Config } from '../formats/hf-config'
import { activationFor } from './activation'
import { causalSelfAttention } from './attention'
import { dropout, dropoutMasks, rowDropoutMask } from './dropout-mask'
import type { DropoutMasks } from './dropout-mask'
import { createGpt2Weights, disposeGpt2Weights } from './frozen-weights'
import type { BlockWeights, FrozenLinear, Gpt2Weights, WeightArray } from './frozen-weights'
import { layerNorm } from './layer-norm'
import { linear } from './linear'
import { recomputedSegment } from './recomputed-segment'
import { gatherRows } from './row-table'
import { residualAdd } from './residual'
import type { LoraAdapter, LoraModule } from './lora'

/** Token ids `[batch, seqLen]` row-major; `attentionMask` (same layout, 1 = token, 0 = right padding). */
export interface TokenBatch {
  inputIds: Int32Array
  batch: number
  seqLen: number
  attentionMask?: Int32Array | null
}

/**
 * `train: true` turns dropout on, drawn per batch row from `new Rng(dropoutSeeds[b])`, so a row's
 * masks do not depend on which rows share its pass; eval mode has none.
 */
export type ForwardMode = { train: false } | { train: true; dropoutSeeds: readonly number[] }

/** How a forward pass trades memory for time when a gradient is taken through it; values are the same. */
export interface ForwardOptions {
  /**
   * Gradient checkpointing: keep only each block's input and run the block again in the backward pass
   * (with the same dropout masks), so activation memory is one block's instead of every block's.
   */
  recomputeBlocks?: boolean
}

/** The Conv1D layers of a block in forward order, as LoRA names them after `h.<i>.`. */
const BLOCK_LINEARS = ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'] as const
type BlockLinear = (typeof BLOCK_LINEARS)[number]

/**
 * How one block's attention is computed: full causal attention in training, the KV cache in decoding.
 * `masks` is the pass's dropout mask source (null in eval mode).
 */
export type AttendFn = (layer: number, qkv: tf.Tensor2D, masks: DropoutMasks | null) => tf.Tensor2D

export class Gpt2Model {
  readonly config: Gpt2Config
  readonly weights: Gpt2Weights
  /** The LoRA layers applied in every forward pass, or null for the base model. */
  lora: LoraAdapter | null
  private readonly activation: (x: tf.Tensor2D) => tf.Tensor2D

  constructor(config: Gpt2Config, weights: Gpt2Weights, lora: LoraAdapter | null = null) {
    this.config = config
    this.weights = weights
    this.lora = lora
    this.activation = activationFor(config.activationFunction)
  }

  /** From float32 arrays as `loadHfModelFolder` returns them. */
  static fromArrays(
    config: Gpt2Config,
    arrays: ReadonlyMap<string, WeightArray>,
    lora: LoraAdapter | null = null
  ): Gpt2Model {
    return new Gpt2Model(config, createGpt2Weights(config, arrays), lora)
  }

  /** Final hidden states (after ln_f), `[batch·seqLen, nEmbd]`. */
  hiddenStates(tokens: TokenBatch, mode: ForwardMode, options: ForwardOptions = {}): tf.Tensor2D {
    const { batch, seqLen } = tokens
    const mask = tokens.attentionMask ?? null
    const attend: AttendFn = (layer, qkv, masks) =>
      causalSelfAttention(
        qkv,
        { batch, seqLen, nHead: this.config.nHead },
        mask,
        masks === null ? null : { p: this.config.attnPdrop, masks, key: `h.${layer}.attn.attn_dropout` }
      )
    return this.run(tokens.inputIds, batch, seqLen, 0, mode, attend, options)
  }

  /** Logits `[rows, vocab]` for hidden states `[rows, nEmbd]` (the tied LM head: h·wteᵀ). */
  logits(hidden: tf.Tensor2D): tf.Tensor2D {
    // Per column block of wᵀ (each packed once by XNNPACK), which is also faster than one 50257-wide product.
    const blocks = this.weights.lmHead.wTBlocks
    if (blocks.length === 1) return tf.matMul(hidden, blocks[0])
    return tf.tidy(
      () =>
        tf.concat(
          blocks.map((b) => tf.matMul(hidden, b)),
          1
        ) as tf.Tensor2D
    )
  }

  /**
   * The shared forward pass: embeddings at positions `positionOffset…`, every block with the given
   * attention, ln_f. Used by training (`hiddenStates`) and by the KV-cache decoder.
   */
  run(
    inputIds: Int32Array,
    batch: number,
    seqLen: number,
    positionOffset: number,
    mode: ForwardMode,
    attend: AttendFn,
    options: ForwardOptions = {}
  ): tf.Tensor2D {
    const cfg = this.config
    if (inputIds.length !== batch * seqLen) {
      throw new Error(`inputIds has ${inputIds.length} ids, expected batch ${batch} × seqLen ${seqLen}`)
    }
    if (positionOffset + seqLen > cfg.nPositions) {
      throw new Error(
        `sequence of ${positionOffset + seqLen} tokens is longer than the model's n_positions (${cfg.nPositions}); shorten it`
      )
    }
    for (const id of inputIds) {
      if (!(id >= 0 && id < cfg.vocabSize))
        throw new Error(`token id ${id} is outside the vocabulary (0…${cfg.vocabSize - 1})`)
    }
    if (mode.train && mode.dropoutSeeds.length !== batch) {
      throw new Error(
        `training mode needs one dropout seed per batch row: ${mode.dropoutSeeds.length} for ${batch} rows`
      )
    }
    // Every dropout site draws from this by its HF/PEFT module name: a recomputed block gets its masks again.
    const masks: DropoutMasks | null = mode.train ? dropoutMasks(mode.dropoutSeeds) : null
    const positions = new Int32Array(batch * seqLen)
    for (let i = 0; i < positions.length; i++) positions[i] = positionOffset + (i % seqLen)
    const embedded = tf.tidy(() =>
      tf.add(
        gatherRows(this.weights.wte, inputIds),
        tf.gather(this.weights.wpe, tf.tensor1d(positions, 'int32'))
      )
    ) as tf.Tensor2D
    let x = dropout(embedded, cfg.embdPdrop, masks, 'drop')
    if (x !== embedded) embedded.dispose()
    for (let i = 0; i < cfg.nLayer; i++) {
      // Block i's input needs a gradient only when an earlier block has a trainable (LoRA) tensor.
      const inputGrad = this.trainableBefore(i)
      const next = options.recomputeBlocks
        ? this.recomputedBlock(i, x, inputGrad, masks, attend)
        : this.block(i, x, inputGrad, masks, attend)
      x.dispose()
      x = next
    }
    const out = layerNorm(x, this.weights.lnF, cfg.layerNormEpsilon)
    x.dispose()
    return out
  }

  /**
   * Transformer block i on `x`. `inputGrad`: whether `x` needs a gradient (something upstream is
   * trainable); `masks`: the pass's dropout masks (null in eval mode), drawn by site name.
   */
  private block(
    i: number,
    x: tf.Tensor2D,
    inputGrad: boolean,
    masks: DropoutMasks | null,
    attend: AttendFn
  ): tf.Tensor2D {
    const w: BlockWeights = this.weights.blocks[i]
    const cfg = this.config
    const loraP = this.lora?.config.dropout ?? 0
    const lin = (input: tf.Tensor2D, name: BlockLinear, layer: FrozenLinear): tf.Tensor2D => {
      const branch = this.loraBranch(i, name)
      const mask =
        branch !== null && masks !== null && loraP > 0
          ? rowDropoutMask(input.shape, loraP, masks, `h.${i}.${name}.lora_dropout`)
          : null
      // The linear's input needs a gradient if the block's does or a LoRA layer before it in the block is trainable.
      const needsInputGrad = inputGrad || this.trainableInBlockBefore(i, name)
      const y = linear(input, layer, branch, needsInputGrad, mask)
      mask?.dispose()
      return y
    }
    return tf.tidy(() => {
      const qkv = lin(layerNorm(x, w.ln1, cfg.layerNormEpsilon), 'attn.c_attn', w.cAttn)
      const attnOut = lin(attend(i, qkv, masks), 'attn.c_proj', w.attnCProj)
      const afterAttn = residualAdd(x, dropout(attnOut, cfg.residPdrop, masks, `h.${i}.attn.resid_dropout`))
      const hidden = this.activation(
        lin(layerNorm(afterAttn, w.ln2, cfg.layerNormEpsilon), 'mlp.c_fc', w.cFc)
      )
      const mlpOut = lin(hidden, 'mlp.c_proj', w.mlpCProj)
      return residualAdd(afterAttn, dropout(mlpOut, cfg.residPdrop, masks, `h.${i}.mlp.dropout`))
    })
  }

  /** The LoRA layer on block i's linear `name` (`attn.c_attn`, …), or null where none is attached. */
  private loraBranch(i: number, name: BlockLinear): LoraModule | null {
    return this.lora?.modules.get(`h.${i}.${name}`) ?? null
  }

  /** Block i's trainable tensors (its LoRA layers' A and B). */
  private blockParams(i: number): tf.Variable[] {
    return BLOCK_LINEARS.flatMap((name) => {
      const branch = this.loraBranch(i, name)
      return branch === null ? [] : [branch.a, branch.b]
    })
  }

  /** Whether a block before block i has a trainable tensor. */
  private trainableBefore(i: number): boolean {
    for (let j = 0; j < i; j++) if (this.blockParams(j).length > 0) return true
    return false
  }

  /** Whether a linear before `name` in block i (in forward order) has a LoRA layer. */
  private trainableInBlockBefore(i: number, name: BlockLinear): boolean {
    return BLOCK_LINEARS.slice(0, BLOCK_LINEARS.indexOf(name)).some(
      (before) => this.loraBranch(i, before) !== null
    )
  }

  /**
   * `block` as one op that keeps only its input: the backward pass runs it again on the same mask
   * source, whose sites give the same dropout masks when asked again.
   */
  private recomputedBlock(
    i: number,
    x: tf.Tensor2D,
    inputGrad: boolean,
    masks: DropoutMasks | null,
    attend: AttendFn
  ): tf.Tensor2D {
    return recomputedSegment(x, this.blockParams(i), inputGrad, (input) =>
      this.block(i, input, inputGrad, masks, attend)
    )
  }

  /** Frees the frozen weights (not the LoRA adapter, which the caller owns). */
  dispose(): void {
    disposeGpt2Weights(this.weights)
  }
}
