// Llama, Qwen2 and Qwen3 (transformers' LlamaForCausalLM / Qwen2ForCausalLM / Qwen3ForCausalLM math) over
// frozen tensors with optional LoRA: token embedding, decoder layers (RMSNorm → q/k/v → [q/k norm] →
// rotary → grouped-query causal attention (k/v heads never repeated) → o_proj → residual; RMSNorm → SwiGLU MLP → residual), the
// final norm and the tied or untied LM head. Training mode adds LoRA (and attention) dropout.
import * as tf from '@tensorflow/tfjs-core'
import type { LlamaConfig } from '../formats/llama-config'
import type { LlamaLinear } from '../formats/llama-weights'
import { causalSelfAttention } from './attention'
import { beginPass, decoderDims } from './decoder-model'
import type { AttendFn, DecoderDims, DecoderModel, ForwardPass } from './decoder-model'
import type { ForwardMode, ForwardOptions, TokenBatch } from './decoder-model'
import type { DropoutMasks } from './dropout-mask'
import { lmHeadLogits } from './frozen-weights'
import type { LmHeadWeights } from './frozen-weights'
import { joinColumns } from './join-columns'
import { moduleLinear } from './linear'
import { disposeLlamaWeights } from './llama-frozen-weights'
import type { LlamaWeights } from './llama-frozen-weights'
import type { LoraAdapter, LoraModule } from './lora'
import { runBlocks } from './recomputed-segment'
import { residualAdd } from './residual'
import { rmsNorm } from './rms-norm'
import { swiglu } from './swiglu'
import { applyRotary, ropeInverseFrequencies, ropeTables } from './rotary'
import type { RopeTables } from './rotary'
import { gatherRows } from './row-table'

/**
 * A layer's linears by the stage of the layer they sit in: a linear's input needs a gradient when the
 * layer's input does or a LoRA layer in an earlier stage is trainable (q, k and v share their input).
 */
const STAGES: readonly (readonly LlamaLinear[])[] = [
  ['self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj'],
  ['self_attn.o_proj'],
  ['mlp.gate_proj', 'mlp.up_proj'],
  ['mlp.down_proj']
]

/** What every layer of one forward pass shares: its dropout mask source, attention and rotary tables. */
interface LayerContext {
  masks: DropoutMasks | null
  attend: AttendFn
  rope: RopeTables
}

export class LlamaModel implements DecoderModel {
  readonly config: LlamaConfig
  readonly weights: LlamaWeights
  readonly dims: DecoderDims
  lora: LoraAdapter | null
  private readonly invFreq: Float64Array

  constructor(config: LlamaConfig, weights: LlamaWeights, lora: LoraAdapter | null = null) {
    this.config = config
    this.weights = weights
    this.dims = decoderDims(config)
    this.lora = lora
    this.invFreq = ropeInverseFrequencies(config.headDim, config.ropeTheta, config.ropeScaling)
  }

  get lmHead(): LmHeadWeights {
    return this.weights.lmHead
  }

  hiddenStates(tokens: TokenBatch, mode: ForwardMode, options: ForwardOptions = {}): tf.Tensor2D {
    const { batch, seqLen } = tokens
    const mask = tokens.attentionMask ?? null
    const p = this.config.attentionDropout
    const attend: AttendFn = (layer, qkv, masks) =>
      causalSelfAttention(
        qkv,
        { batch, seqLen, nHead: this.config.numAttentionHeads, kvHeads: this.config.numKeyValueHeads },
        mask,
        masks === null ? null : { p, masks, key: `model.layers.${layer}.self_attn.attn_dropout` }
      )
    return this.run({ inputIds: tokens.inputIds, batch, seqLen, positionOffset: 0, mode }, attend, options)
  }

  logits(hidden: tf.Tensor2D): tf.Tensor2D {
    return lmHeadLogits(hidden, this.weights.lmHead)
  }

  run(pass: ForwardPass, attend: AttendFn, options: ForwardOptions = {}): tf.Tensor2D {
    const cfg = this.config
    const { masks, positions } = beginPass(pass, this.dims, 'max_position_embeddings')
    const rope = ropeTables(positions, this.invFreq)
    const context: LayerContext = { masks, attend, rope }
    return runBlocks(
      gatherRows(this.weights.embedTokens, pass.inputIds),
      cfg.numHiddenLayers,
      (i) => this.layerParams(i),
      (i, input, inputGrad) => this.layer(i, input, inputGrad, context),
      options.recomputeBlocks ?? false,
      (x) => rmsNorm(x, this.weights.norm, cfg.rmsNormEps)
    )
  }

  /** Decoder layer i on `x` (`[rows, hidden]`); `inputGrad`: whether `x` needs a gradient. */
  private layer(i: number, x: tf.Tensor2D, inputGrad: boolean, context: LayerContext): tf.Tensor2D {
    const { masks, attend, rope } = context
    const cfg = this.config
    const w = this.weights.layers[i]
    const eps = cfg.rmsNormEps
    const p = this.lora?.config.dropout ?? 0
    const lin = (input: tf.Tensor2D, name: LlamaLinear): tf.Tensor2D =>
      moduleLinear(
        input,
        w.linears[name],
        this.loraBranch(i, name),
        inputGrad || this.trainableInLayerBefore(i, name),
        {
          masks,
          p,
          module: `model.layers.${i}.${name}`
        }
      )
    return tf.tidy(() => {
      const h = rmsNorm(x, w.inputLayernorm, eps)
      let q = lin(h, 'self_attn.q_proj')
      let k = lin(h, 'self_attn.k_proj')
      const v = lin(h, 'self_attn.v_proj')
      if (w.qNorm !== null && w.kNorm !== null) {
        q = rmsNorm(q, w.qNorm, eps)
        k = rmsNorm(k, w.kNorm, eps)
      }
      q = applyRotary(q, rope, cfg.numAttentionHeads)
      k = applyRotary(k, rope, cfg.numKeyValueHeads)
      // q | k | v with the key/value heads as they are: attention serves each query group from its head.
      const qkv = joinColumns([q, k, v])
      const afterAttn = residualAdd(x, lin(attend(i, qkv, masks), 'self_attn.o_proj'))
      const h2 = rmsNorm(afterAttn, w.postAttentionLayernorm, eps)
      const mlp = lin(swiglu(lin(h2, 'mlp.gate_proj'), lin(h2, 'mlp.up_proj')), 'mlp.down_proj')
      return residualAdd(afterAttn, mlp)
    })
  }

  private loraBranch(i: number, name: LlamaLinear): LoraModule | null {
    return this.lora?.modules.get(`model.layers.${i}.${name}`) ?? null
  }

  /** Layer i's trainable tensors (its LoRA layers' A and B). */
  private layerParams(i: number): tf.Variable[] {
    return STAGES.flat().flatMap((name) => {
      const branch = this.loraBranch(i, name)
      return branch === null ? [] : [branch.a, branch.b]
    })
  }

  /** Whether a linear in an earlier stage of layer i than `name` has a LoRA layer. */
  private trainableInLayerBefore(i: number, name: LlamaLinear): boolean {
    const stage = STAGES.findIndex((s) => s.includes(name))
    return STAGES.slice(0, stage).some((s) => s.some((before) => this.loraBranch(i, before) !== null))
  }

  dispose(): void {
    disposeLlamaWeights(this.weights)
  }
}
