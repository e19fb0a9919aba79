// Analytic FLOP counts of one LoRA training step and of KV-cache decoding, so the bench can turn a
// measured time into achieved GFLOP/s and compare it with the backend's own matmul speed.
import type { Gpt2Config } from '../src/engine/formats/hf-config'
import type { LoraConfig } from '../src/engine/model/lora'
import { loraTargetModules } from '../src/engine/model/lora'

/** Weights of the four Conv1D layers of one block: c_attn E·3E, attn.c_proj E·E, c_fc E·I, mlp.c_proj I·E. */
function blockLinearParams(c: Gpt2Config): number {
  return c.nEmbd * 3 * c.nEmbd + c.nEmbd * c.nEmbd + 2 * c.nEmbd * c.nInner
}

/** LoRA parameters r·(in + out) summed over the targeted modules. */
function loraParams(c: Gpt2Config, lora: LoraConfig): number {
  return loraTargetModules(c, lora).reduce((n, m) => n + lora.r * (m.inFeatures + m.outFeatures), 0)
}

/**
 * One optimizer step on batch B × sequence T (N = B·T tokens, Nt target tokens: B·(T−1) unless labels are
 * -100 somewhere, as in SFT, where the LM head runs on the Nt target rows only), counting
 * 2 FLOPs per multiply-add and only the useful products (no recomputation, no masked-out work saved):
 *
 *   forward   F_lin  = 2·N·L·P_block                 P_block = 12·E² for GPT-2 (Conv1D weights of a block)
 *             F_att  = 2·2·L·T²·E·B                   q·kᵀ and p·v over full T×T score matrices per head
 *             F_head = 2·Nt·E·V                       tied LM head on target rows only
 *             F_lora = 2·N·P_lora                     x·Aᵀ then u·Bᵀ
 *   backward  frozen linears: dx only (dy·Wᵀ)        = 1 × F_lin (frozen weights get no gradient)
 *             attention: dV, dP, dQ, dK               = 2 × F_att
 *             LM head: dh = dlogits·W                 = 1 × F_head
 *             LoRA: dx plus dA and dB                 = 2 × F_lora
 *   total     2·F_lin + 3·F_att + 2·F_head + 3·F_lora ≈ "backward ≈ 2× forward for activations"
 *
 * Element-wise work (layer norm, GELU, softmax, AdamW over the small LoRA tensors) is left out.
 */
export function trainStepFlops(
  c: Gpt2Config,
  lora: LoraConfig,
  batch: number,
  seqLen: number,
  targets = batch * (seqLen - 1)
): number {
  const n = batch * seqLen
  const fLin = 2 * n * c.nLayer * blockLinearParams(c)
  const fAtt = 2 * 2 * c.nLayer * seqLen * seqLen * c.nEmbd * batch
  const fHead = 2 * targets * c.nEmbd * c.vocabSize
  const fLora = 2 * n * loraParams(c, lora)
  return 2 * fLin + 3 * fAtt + 2 * fHead + 3 * fLora
}

/** Forward FLOPs of one new token at context length `ctx` (keys it attends to, itself included). */
export function decodeTokenFlops(c: Gpt2Config, lora: LoraConfig | null, ctx: number): number {
  const perToken = c.nLayer * blockLinearParams(c) + c.nEmbd * c.vocabSize + (lora ? loraParams(c, lora) : 0)
  return 2 * perToken + 2 * 2 * c.nLayer * ctx * c.nEmbd
}

/** The prompt's single pass: every position through the blocks, logits for the last one only. */
export function prefillFlops(c: Gpt2Config, lora: LoraConfig | null, promptTokens: number): number {
  const p = promptTokens
  const perToken = c.nLayer * blockLinearParams(c) + (lora ? loraParams(c, lora) : 0)
  return 2 * p * perToken + 2 * 2 * c.nLayer * p * p * c.nEmbd + 2 * c.nEmbd * c.vocabSize
}

/** Decoding after the prefill: tokens at contexts prompt+1 … prompt+steps. */
export function decodeFlops(
  c: Gpt2Config,
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
