// Analytic FLOP counts of one LoRA training step and of KV-cache decoding, so the bench can turn a
// measured time into achieved GFLOP/s and compare it with the backend's own matmul speed.
import type { DecoderConfig } from '../src/engine/formats/decoder-folder'
import type { LoraConfig } from '../src/engine/model/lora'
import { linearModules, loraTargetModules } from '../src/engine/model/lora'

/** The sizes the counts need, whichever family names them. */
interface FlopShape {
  layers: number
  /** Hidden width (the LM head's input). */
  hidden: number
  /** Width of the attention's q (query heads × head width): the q·kᵀ and p·v products run over it. */
  attention: number
  vocab: number
  /** Weights of one block's linear layers (GPT-2: c_attn E·3E, attn.c_proj E·E, c_fc E·I, mlp.c_proj I·E). */
  blockLinear: number
}

function flopShape(c: DecoderConfig): FlopShape {
  const gpt2 = c.modelType === 'gpt2'
  const layers = gpt2 ? c.nLayer : c.numHiddenLayers
  const linear = linearModules(c).reduce((n, m) => n + m.inFeatures * m.outFeatures, 0)
  return {
    layers,
    hidden: gpt2 ? c.nEmbd : c.hiddenSize,
    attention: gpt2 ? c.nEmbd : c.numAttentionHeads * c.headDim,
    vocab: c.vocabSize,
    blockLinear: linear / layers
  }
}

/** LoRA parameters r·(in + out) summed over the targeted modules. */
function loraParams(c: DecoderConfig, lora: LoraConfig): number {
  return loraTargetModules(c, lora).reduce((n, m) => n + lora.r * (m.inFeatures + m.outFeatures), 0)
}

/**
 * One optimizer step on batch B × sequence T (N = B·T tokens, Nt target tokens: B·(T−1) unless labels are
 * -100 somewhere, as in SFT, where the LM head runs on the Nt target rows only), counting
 * 2 FLOPs per multiply-add and only the useful products (no recomputation, no masked-out work saved):
 *
 *   forward   F_lin  = 2·N·L·P_block                 P_block = 12·E² for GPT-2 (Conv1D weights of a block;
 *                                                     a Llama block's q/k/v/o and SwiGLU's gate/up/down)
 *             F_att  = 2·2·L·T²·A·B                   q·kᵀ and p·v over full T×T score matrices per head
 *                                                     (A = heads·head_dim: E on GPT-2; GQA shares k/v, not FLOPs)
 *             F_head = 2·Nt·E·V                       LM head on target rows only
 *             F_lora = 2·N·P_lora                     x·Aᵀ then u·Bᵀ
 *   backward  frozen linears: dx only (dy·Wᵀ)        = 1 × F_lin (frozen weights get no gradient)
 *             attention: dV, dP, dQ, dK               = 2 × F_att
 *             LM head: dh = dlogits·W                 = 1 × F_head
 *             LoRA: dx plus dA and dB                 = 2 × F_lora
 *   total     2·F_lin + 3·F_att + 2·F_head + 3·F_lora ≈ "backward ≈ 2× forward for activations"
 *
 * Element-wise work (layer/RMS norm, GELU/SiLU, rotary, softmax, AdamW over the small LoRA tensors) is left out.
 */
export function trainStepFlops(
  config: DecoderConfig,
  lora: LoraConfig,
  batch: number,
  seqLen: number,
  targets = batch * (seqLen - 1)
): number {
  const c = flopShape(config)
  const n = batch * seqLen
  const fLin = 2 * n * c.layers * c.blockLinear
  const fAtt = 2 * 2 * c.layers * seqLen * seqLen * c.attention * batch
  const fHead = 2 * targets * c.hidden * c.vocab
  const fLora = 2 * n * loraParams(config, lora)
  return 2 * fLin + 3 * fAtt + 2 * fHead + 3 * fLora
}

/** Forward FLOPs of one new token at context length `ctx` (keys it attends to, itself included). */
export function decodeTokenFlops(config: DecoderConfig, lora: LoraConfig | null, ctx: number): number {
  const c = flopShape(config)
  const perToken = c.layers * c.blockLinear + c.hidden * c.vocab + (lora ? loraParams(config, lora) : 0)
  return 2 * perToken + 2 * 2 * c.layers * ctx * c.attention
}

/** The prompt's single pass: every position through the blocks, logits for the last one only. */
export function prefillFlops(config: DecoderConfig, lora: LoraConfig | null, promptTokens: number): number {
  const c = flopShape(config)
  const p = promptTokens
  const perToken = c.layers * c.blockLinear + (lora ? loraParams(config, lora) : 0)
  return 2 * p * perToken + 2 * 2 * c.layers * p * p * c.attention + 2 * c.hidden * c.vocab
}

/** Decoding after the prefill: tokens at contexts prompt+1 … prompt+steps. */
export function decodeFlops(
  c: DecoderConfig,
  lora: LoraConfig | null,
  promptTokens: number,
  steps: number
): number {
  let total = 0
  for (let i = 1; i <= steps; i++) total += decodeTokenFlops(c, lora, promptTokens + i)
  return total
}

/** The probe product the efficiency is measured against: [M,K]·[K,N], plain 2-D. */
export function matMulFlops(m: number, k: number, n: number): number {
  return 2 * m * k * n
}
