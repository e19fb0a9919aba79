// GPT-2 (HF GPT2LMHeadModel's math) over frozen tensors with optional LoRA: embeddings, blocks, ln_f
// and the tied LM head. Training mode adds dropout from a seeded RNG; eval mode is deterministic.
import * as tf from '@tensorflow/tfjs-core'
import type { Gpt2Config } from '../formats/hf-config'
import { activationFor } from './activation'
import { causalSelfAttention } from './attention'
import { dropout } from './dropout-mask'
import type { DropoutMasks } from './dropout-mask'
import { beginPass, decoderDims } from './decoder-model'
import type {
  AttendFn,
  DecoderDims,
  DecoderModel,
  ForwardMode,
  ForwardOptions,
  ForwardPass,
  TokenBatch
} from './decoder-model'
import { createGpt2Weights, disposeGpt2Weights, lmHeadLogits } from './frozen-weights'
import type { BlockWeights, FrozenLinear, Gpt2Weights, LmHeadWeights, WeightArray } from './frozen-weights'
import { layerNorm } from './layer-norm'
import { moduleLinear } from './linear'
import { runBlocks } from './recomputed-segment'
import { gatherRows } from './row-table'
import { residualAdd } from './residual'
import type { LoraAdapter, LoraModule } from './lora'

export type { AttendFn, ForwardMode, ForwardOptions, TokenBatch } from './decoder-model'

/** The Conv1D layers of a block in forward order, as LoRA names them after `h.<i>.`. */
const BLOCK_LINEARS = ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'] as const
type BlockLinear = (typeof BLOCK_LINEARS)[number]

export class Gpt2Model implements DecoderModel {
  readonly config: Gpt2Config
  readonly weights: Gpt2Weights
  readonly dims: DecoderDims
  /** The LoRA layers applied in every forward pass, or null for the base model. */
  lora: LoraAdapter | null
  private readonly activation: (x: tf.Tensor2D) => tf.Tensor2D

  constructor(config: Gpt2Config, weights: Gpt2Weights, lora: LoraAdapter | null = null) {
    this.config = config
    this.weights = weights
    this.dims = decoderDims(config)
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
        { batch, seqLen, nHead: this.config.nHead, kvHeads: this.config.nHead },
        mask,
        masks === null ? null : { p: this.config.attnPdrop, masks, key: `h.${layer}.attn.attn_dropout` }
      )
    return this.run({ inputIds: tokens.inputIds, batch, seqLen, positionOffset: 0, mode }, attend, options)
  }

  /** Logits `[rows, vocab]` for hidden states `[rows, nEmbd]` (the tied LM head: h·wteᵀ). */
  logits(hidden: tf.Tensor2D): tf.Tensor2D {
    return lmHeadLogits(hidden, this.weights.lmHead)
  }

  get lmHead(): LmHeadWeights {
    return this.weights.lmHead
  }

  /**
   * The shared forward pass: embeddings at positions `positionOffset…`, every block with the given
   * attention, ln_f. Used by training (`hiddenStates`) and by the KV-cache decoder.
   */
  run(pass: ForwardPass, attend: AttendFn, options: ForwardOptions = {}): tf.Tensor2D {
    const cfg = this.config
    const { inputIds } = pass
    const { masks, positions } = beginPass(pass, this.dims, 'n_positions')
    const embedded = tf.tidy(() =>
      tf.add(
        gatherRows(this.weights.wte, inputIds),
        tf.gather(this.weights.wpe, tf.tensor1d(positions, 'int32'))
      )
    ) as tf.Tensor2D
    const dropped = dropout(embedded, cfg.embdPdrop, masks, 'drop')
    if (dropped !== embedded) embedded.dispose()
    return runBlocks(
      dropped,
      cfg.nLayer,
      (i) => this.blockParams(i),
      (i, input, inputGrad) => this.block(i, input, inputGrad, masks, attend),
      options.recomputeBlocks ?? false,
      (x) => layerNorm(x, this.weights.lnF, cfg.layerNormEpsilon)
    )
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
    const lin = (input: tf.Tensor2D, name: BlockLinear, layer: FrozenLinear): tf.Tensor2D =>
      // The linear's input needs a gradient if the block's does or a LoRA layer before it in the block is trainable.
      moduleLinear(
        input,
        layer,
        this.loraBranch(i, name),
        inputGrad || this.trainableInBlockBefore(i, name),
        {
          masks,
          p: loraP,
          module: `h.${i}.${name}`
        }
      )
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

  /** Whether a linear before `name` in block i (in forward order) has a LoRA layer. */
  private trainableInBlockBefore(i: number, name: BlockLinear): boolean {
    return BLOCK_LINEARS.slice(0, BLOCK_LINEARS.indexOf(name)).some(
      (before) => this.loraBranch(i, before) !== null
    )
  }

  /** Frees the frozen weights (not the LoRA adapter, which the caller owns). */
  dispose(): void {
    disposeGpt2Weights(this.weights)
  }
}
