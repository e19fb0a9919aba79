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
 * all kept. At least `minTokensToKeep` survive. In place; O(V) for small k (partial selection, no sort).
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
 * logits the lower id sorts first (a stable sort), so it is the one dropped first. Tokens so unlikely that
 * all of them together hold under half of 1 - topP are certainly dropped: only their mass is summed and
 * the rest is sorted, which spares sorting a whole 50257-token vocabulary. In place; O(V log V) at worst.
 */
export function applyTopP(logits: Float32Array, topP: number, minTokensToKeep = 1): void {
  let max = -Infinity
  let finite = 0
  for (let i = 0; i < logits.length; i++) {
    if (logits[i] === -Infinity) continue
    finite++
    if (logits[i] > max) max = logits[i]
  }
  if (finite === 0) return
  let sum = 0
  for (let i = 0; i < logits.length; i++) if (logits[i] !== -Infinity) sum += Math.exp(logits[i] - max)
  const probability = (score: number): number => Math.fround(Math.exp(score - max) / sum)
  let cut = max + Math.log((((1 - topP) / 2) * sum) / finite)
  let candidates = valuesFrom(logits, cut)
  if (candidates.length < minTokensToKeep) {
    cut = -Infinity
    candidates = valuesFrom(logits, cut)
  }
  const sorted = candidates.sort()
  let cumulative = 0
  for (let i = 0; i < logits.length; i++) if (logits[i] < cut) cumulative += probability(logits[i])
  const limit = Math.fround(1 - topP)
  let lastRemoved = -1
  for (let i = 0; i < sorted.length - minTokensToKeep; i++) {
    cumulative += probability(sorted[i])
    if (Math.fround(cumulative) > limit) break
    lastRemoved = i
  }
  const threshold = lastRemoved >= 0 ? sorted[lastRemoved] : cut
  let tiesToRemove = 0
  if (lastRemoved >= 0) {
    let firstTied = lastRemoved
    while (firstTied > 0 && sorted[firstTied - 1] === threshold) firstTied--
    tiesToRemove = lastRemoved - firstTied + 1
  }
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

/**
 * The k-th largest value of `values` (1-based k, 1 <= k <= length): a size-k min-heap in one pass when k is
 * small (top-k sampling), quickselect on a copy otherwise.
 */
export function kthLargest(values: Float32Array, k: number): number {
  if (k <= 256 && k * 8 <= values.length) return kthLargestByHeap(values, k)
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

function kthLargestByHeap(values: Float32Array, k: number): number {
  const heap = values.slice(0, k)
  for (let i = (k >>> 1) - 1; i >= 0; i--) siftDown(heap, i)
  for (let i = k; i < values.length; i++) {
    if (values[i] > heap[0]) {
      heap[0] = values[i]
      siftDown(heap, 0)
    }
  }
  return heap[0]
}

/** Restore the min-heap order below `at`. */
function siftDown(heap: Float32Array, at: number): void {
  const n = heap.length
  const value = heap[at]
  let i = at
  for (;;) {
    let child = 2 * i + 1
    if (child >= n) break
    if (child + 1 < n && heap[child + 1] < heap[child]) child++
    if (heap[child] >= value) break
    heap[i] = heap[child]
    i = child
  }
  heap[i] = value
}

/** The finite values of `logits` that are >= `cut`, in a new array. */
function valuesFrom(logits: Float32Array, cut: number): Float32Array {
  let count = 0
  for (let i = 0; i < logits.length; i++) if (logits[i] !== -Infinity && logits[i] >= cut) count++
  const out = new Float32Array(count)
  let at = 0
  for (let i = 0; i < logits.length; i++)
    if (logits[i] !== -Infinity && logits[i] >= cut) out[at++] = logits[i]
  return out
}

function medianOfThree(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : a < c ? c : a
  return a < c ? a : b < c ? c : b
}
