// Turning processed logits into one token: the first maximum for greedy decoding, or one draw of the seeded
// RNG from their softmax when sampling. Exactly one RNG draw per sampled token keeps runs reproducible.

import type { Rng } from './rng'

/** Index of the largest logit; the lowest index among ties, as torch.argmax. */
export function argmax(logits: Float32Array): number {
  let best = 0
  let bestScore = logits[0]
  for (let i = 1; i < logits.length; i++) {
    if (logits[i] > bestScore) {
      bestScore = logits[i]
      best = i
    }
  }
  return best
}

/** Draw a token from softmax(logits) with one `rng.nextFloat()`; -Infinity logits are never drawn. */
export function sampleToken(logits: Float32Array, rng: Rng): number {
  const top = argmax(logits)
  const max = logits[top]
  let sum = 0
  for (let i = 0; i < logits.length; i++) if (logits[i] !== -Infinity) sum += Math.exp(logits[i] - max)
  let remaining = rng.nextFloat() * sum
  let last = top
  for (let i = 0; i < logits.length; i++) {
    if (logits[i] === -Infinity) continue
    const weight = Math.exp(logits[i] - max)
    if (weight === 0) continue
    last = i
    remaining -= weight
    if (remaining < 0) return i
  }
  return last
}

/** Position of the first NaN, or -1: a NaN logit means broken weights, and must not pass as a token. */
export function findNaN(logits: Float32Array): number {
  for (let i = 0; i < logits.length; i++) if (Number.isNaN(logits[i])) return i
  return -1
}
