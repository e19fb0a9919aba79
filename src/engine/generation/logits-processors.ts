// The logits processors of Hugging Face's generate, with the same arithmetic and the same order
// (repetition penalty, then temperature, top-k, top-p), so settings mean what they mean in transformers.

import { isSampling, type GenerationOptions } from './generation-options'

/**
 * HF RepetitionPenaltyLogitsProcessor: every distinct id in `sequenceIds` (prompt included) has its logit
 * multiplied by `penalty` when negative, divided by it otherwise. In place, float32 arithmetic.
 */
export function applyRepetitionPenalty(
  logits: Float32Array,
  sequenceIds: readonly number[],
  penalty: number
): void {
  const p = Math.fround(penalty)
  for (const id of new Set(sequenceIds)) {
    const score = logits[id]
    logits[id] = score < 0 ? score * p : score / p
  }
}

/** HF TemperatureLogitsWarper: divide every logit by `temperature` (> 0). In place. */
export function applyTemperature(logits: Float32Array, temperature: number): void {
  const t = Math.fround(temperature)
  for (let i = 0; i < logits.length; i++) logits[i] = logits[i] / t
}

/**
 * HF TopKLogitsWarper: every logit below the k-th largest becomes -Infinity, so ties at the k-th value are
 * all kept. At least `minTokensToKeep` survive. In place; O(V) on average (partial selection, no sort).
 */
export function applyTopK(logits: Float32Array, topK: number, minTokensToKeep = 1): void {
  const k = Math.min(Math.max(topK, minTokensToKeep), logits.length)
  if (k >= logits.length) return
  const threshold = kthLargest(logits, k)
  for (let i = 0; i < logits.length; i++) if (logits[i] < threshold) logits[i] = -Infinity
}

/**
 * HF TopPLogitsWarper: sort ascending, take the cumulative softmax, and drop (to -Infinity) every token whose
 * cumulative probability is <= 1 - topP, keeping at least the `minTokensToKeep` most likely. Among equal
 * logits the lower id sorts first (a stable sort), so it is the one dropped first. In place; O(V log V).
 */
export function applyTopP(logits: Float32Array, topP: number, minTokensToKeep = 1): void {
  const sorted = Float32Array.from(logits).sort()
  const n = sorted.length
  const max = sorted[n - 1]
  let sum = 0
  for (let i = 0; i < n; i++) sum += Math.exp(sorted[i] - max)
  const limit = Math.fround(1 - topP)
  const lastRemovable = n - 1 - minTokensToKeep
  let cumulative = 0
  let lastRemoved = -1
  for (let i = 0; i <= lastRemovable; i++) {
    cumulative += Math.fround(Math.exp(sorted[i] - max) / sum)
    if (Math.fround(cumulative) > limit) break
    lastRemoved = i
  }
  if (lastRemoved < 0) return
  const threshold = sorted[lastRemoved]
  let firstTied = lastRemoved
  while (firstTied > 0 && sorted[firstTied - 1] === threshold) firstTied--
  let tiesToRemove = lastRemoved - firstTied + 1
  for (let i = 0; i < logits.length; i++) {
    const score = logits[i]
    if (score < threshold) logits[i] = -Infinity
    else if (score === threshold && tiesToRemove > 0) {
      logits[i] = -Infinity
      tiesToRemove--
    }
  }
}

/**
 * The whole pipeline for one step, as HF's generate builds it: the repetition penalty always (when not 1),
 * the warpers (temperature, top-k, top-p) only when sampling. In place.
 */
export function processLogits(
  logits: Float32Array,
  sequenceIds: readonly number[],
  options: GenerationOptions
): void {
  if (options.repetitionPenalty !== 1) applyRepetitionPenalty(logits, sequenceIds, options.repetitionPenalty)
  if (!isSampling(options)) return
  if (options.temperature !== 1) applyTemperature(logits, options.temperature)
  if (options.topK !== 0) applyTopK(logits, options.topK)
  if (options.topP < 1) applyTopP(logits, options.topP)
}

/** The k-th largest value of `values` (1-based k, 1 <= k <= length), by quickselect on a copy. */
export function kthLargest(values: Float32Array, k: number): number {
  const a = Float32Array.from(values)
  const target = a.length - k
  let lo = 0
  let hi = a.length - 1
  while (hi > lo) {
    const pivot = medianOfThree(a[lo], a[(lo + hi) >>> 1], a[hi])
    let i = lo
    let j = hi
    while (i <= j) {
      while (a[i] < pivot) i++
      while (a[j] > pivot) j--
      if (i <= j) {
        const held = a[i]
        a[i] = a[j]
        a[j] = held
        i++
        j--
      }
    }
    if (target <= j) hi = j
    else if (target >= i) lo = i
    else return a[target]
  }
  return a[target]
}

function medianOfThree(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : a < c ? c : a
  return a < c ? a : b < c ? c : b
}
