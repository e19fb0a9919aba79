// Hugging Face's sliding-window perplexity (https://huggingface.co/docs/transformers/perplexity) as
// windows to score: for a text longer than the context, windows begin at 0, stride, 2·stride… and end
// at min(begin + maxLength, length); each scores only its last trg_len = end − prev_end tokens (the
// labels before them are -100), so every token is predicted once, from up to maxLength − 1 tokens of
// context. A sample's own -100 labels (a masked prompt) stay -100.
import { IGNORE_INDEX } from '../model/causal-lm-loss'
import type { TokenRecord } from '../training/training-data'

export interface WindowSettings {
  maxLength: number
  stride: number
}

/** maxLength defaults to the model's context and stride to half of it; both are checked against it. */
export function windowSettings(
  maxLength: number | null,
  stride: number | null,
  nPositions: number
): WindowSettings {
  const length = maxLength ?? nPositions
  if (length > nPositions) {
    throw new RangeError(
      `max length ${length} is longer than the model's context (n_positions ${nPositions}); set it to ${nPositions} or less`
    )
  }
  if (length < 2) throw new RangeError(`max length ${length} is too short; a window needs at least 2 tokens`)
  const step = stride ?? Math.max(1, Math.floor(length / 2))
  if (step < 1 || step > length) {
    throw new RangeError(
      `stride ${step} must be from 1 to the max length (${length}); a larger stride would skip tokens`
    )
  }
  return { maxLength: length, stride: step }
}

/** The windows of one sample, in order, with the labels each one scores. */
export function slidingWindows(sample: TokenRecord, settings: WindowSettings): TokenRecord[] {
  const { maxLength, stride } = settings
  const n = sample.inputIds.length
  const out: TokenRecord[] = []
  let prevEnd = 0
  for (let begin = 0; begin < n; begin += stride) {
    const end = Math.min(begin + maxLength, n)
    const trgLen = end - prevEnd
    const labels = sample.labels.slice(begin, end)
    labels.fill(IGNORE_INDEX, 0, Math.max(0, labels.length - trgLen))
    out.push({ inputIds: sample.inputIds.slice(begin, end), labels })
    prevEnd = end
    if (end === n) break
  }
  return out
}
