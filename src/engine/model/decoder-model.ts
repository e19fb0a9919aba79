// What the trainer, generation and evaluation need of a decoder model, whichever family it is (GPT-2,
// Llama, Qwen2, Qwen3): hidden states with optional LoRA, the LM head, and the per-layer forward pass
// that the KV-cache decoder drives with its own attention.
import type * as tf from '@tensorflow/tfjs-core'
import { DropoutMasks } from './dropout-mask'
import type { LmHeadWeights } from './frozen-weights'
import type { DecoderConfig } from '../formats/decoder-folder'
import type { LoraAdapter } from './lora'

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

/**
 * How one layer's attention is computed: full causal attention in training, the KV cache in decoding.
 * `qkv` is `[rows, (heads + 2·kvHeads)·headDim]` (q | k | v, the key/value heads as the projections
 * emit them, not repeated; rotary embeddings already applied); `masks` is the pass's dropout mask source (null in eval mode).
 */
export type AttendFn = (layer: number, qkv: tf.Tensor2D, masks: DropoutMasks | null) => tf.Tensor2D

/** One forward pass's input: ids `[batch, seqLen]` at positions `positionOffset…` of each row. */
export interface ForwardPass {
  inputIds: Int32Array
  batch: number
  seqLen: number
  positionOffset: number
  mode: ForwardMode
}

/** The sizes the trainer and the decoder need, whatever the family names them in its config. */
export interface DecoderDims {
  numLayers: number
  /** Query heads (the attention `qkv` handed to an AttendFn has this many q heads). */
  attentionHeads: number
  /** Key/value heads (as many as query heads on GPT-2, fewer with grouped-query attention). */
  keyValueHeads: number
  vocabSize: number
  maxPositions: number
  /** config.json's eos_token_id (the first when it lists several), or null where it has none. */
  eosTokenId: number | null
}

export function decoderDims(config: DecoderConfig): DecoderDims {
  return config.modelType === 'gpt2'
    ? {
        numLayers: config.nLayer,
        attentionHeads: config.nHead,
        keyValueHeads: config.nHead,
        vocabSize: config.vocabSize,
        maxPositions: config.nPositions,
        eosTokenId: config.eosTokenId
      }
    : {
        numLayers: config.numHiddenLayers,
        attentionHeads: config.numAttentionHeads,
        keyValueHeads: config.numKeyValueHeads,
        vocabSize: config.vocabSize,
        maxPositions: config.maxPositionEmbeddings,
        eosTokenId: config.eosTokenId
      }
}

export interface DecoderModel {
  /** The LoRA layers applied in every forward pass, or null for the base model. */
  lora: LoraAdapter | null
  readonly lmHead: LmHeadWeights
  readonly dims: DecoderDims
  /** Final hidden states (after the last norm), `[batch·seqLen, hidden]`. */
  hiddenStates(tokens: TokenBatch, mode: ForwardMode, options?: ForwardOptions): tf.Tensor2D
  /** Logits `[rows, vocab]` for hidden states `[rows, hidden]`. */
  logits(hidden: tf.Tensor2D): tf.Tensor2D
  /** The forward pass at positions `positionOffset…` with the given attention (the KV-cache decoder's entry). */
  run(pass: ForwardPass, attend: AttendFn, options?: ForwardOptions): tf.Tensor2D
  /** Frees the frozen weights (not the LoRA adapter, which the caller owns). */
  dispose(): void
}

/**
 * The start of every family's forward pass: checks its input against the model's limits
 * (`positionsField` names the config field in messages), and gives the pass's dropout mask source (null in
 * eval mode; every dropout site draws from it by its HF/PEFT module name, so a recomputed block gets its
 * masks again) and each row's position.
 */
export function beginPass(
  pass: ForwardPass,
  dims: DecoderDims,
  positionsField: string
): { masks: DropoutMasks | null; positions: Int32Array } {
  const { inputIds, batch, seqLen, positionOffset, mode } = pass
  if (inputIds.length !== batch * seqLen) {
    throw new Error(`inputIds has ${inputIds.length} ids, expected batch ${batch} × seqLen ${seqLen}`)
  }
  if (positionOffset + seqLen > dims.maxPositions) {
    throw new Error(
      `sequence of ${positionOffset + seqLen} tokens is longer than the model's ${positionsField} (${dims.maxPositions}); shorten it`
    )
  }
  for (const id of inputIds) {
    if (!(id >= 0 && id < dims.vocabSize))
      throw new Error(`token id ${id} is outside the vocabulary (0…${dims.vocabSize - 1})`)
  }
  if (mode.train && mode.dropoutSeeds.length !== batch) {
    throw new Error(
      `training mode needs one dropout seed per batch row: ${mode.dropoutSeeds.length} for ${batch} rows`
    )
  }
  const positions = new Int32Array(batch * seqLen)
  for (let i = 0; i < positions.length; i++) positions[i] = positionOffset + (i % seqLen)
  return { masks: mode.train ? new DropoutMasks(mode.dropoutSeeds) : null, positions }
}
