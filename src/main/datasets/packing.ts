// Cuts token streams into training samples of at most maxLength: raw text packed into full blocks
// with EOS between documents (no padding wasted), one sample per document (truncated, or split into
// overlapping windows), and instruction/chat samples truncated or dropped when too long.
import type { ProcessingSettings } from '../../shared/datasets'
import { ServiceError } from '../../shared/errors'
import { countTrained, type TokenizedSample } from './tokenize-record'

function allTrained(ids: number[]): TokenizedSample {
  return { inputIds: ids, labels: ids.slice() }
}

/** Packs documents (each already ending in EOS) into blocks of exactly blockSize; the last may be shorter. */
export class Packer {
  private buffer: number[] = []
  constructor(private readonly blockSize: number) {}

  push(ids: number[]): TokenizedSample[] {
    const out: TokenizedSample[] = []
    for (const id of ids) {
      this.buffer.push(id)
      if (this.buffer.length === this.blockSize) {
        out.push(allTrained(this.buffer))
        this.buffer = []
      }
    }
    return out
  }

  flush(): TokenizedSample[] {
    if (this.buffer.length === 0) return []
    const last = allTrained(this.buffer)
    this.buffer = []
    return [last]
  }
}

/** Windows of maxLength over one document, consecutive windows sharing `overlap` tokens. */
export function splitWithOverlap(ids: number[], maxLength: number, overlap: number): TokenizedSample[] {
  if (overlap >= maxLength) {
    throw new ServiceError(
      'invalid_input',
      `The overlap (${overlap}) must be smaller than the max length (${maxLength}).`,
      [{ path: 'overlap', message: `must be less than ${maxLength}` }]
    )
  }
  const out: TokenizedSample[] = []
  const stride = maxLength - overlap
  for (let start = 0; ; start += stride) {
    out.push(allTrained(ids.slice(start, start + maxLength)))
    if (start + maxLength >= ids.length) break
  }
  return out
}

export type FitResult =
  | { kind: 'fits'; samples: TokenizedSample[] }
  | { kind: 'truncated'; samples: TokenizedSample[] }
  | { kind: 'dropped'; reason: string }

type FitSettings = Pick<ProcessingSettings, 'maxLength' | 'textMode' | 'overlap' | 'overlong'>

/** Fits one tokenized record into samples; packing of text records happens in a Packer instead. */
export function fitRecord(sample: TokenizedSample, isText: boolean, settings: FitSettings): FitResult {
  const { maxLength } = settings
  if (sample.inputIds.length <= maxLength) return { kind: 'fits', samples: [sample] }
  if (isText && settings.textMode === 'split') {
    return { kind: 'fits', samples: splitWithOverlap(sample.inputIds, maxLength, settings.overlap) }
  }
  if (!isText && settings.overlong === 'drop') {
    return {
      kind: 'dropped',
      reason: `is ${sample.inputIds.length} tokens, over the max length of ${maxLength}`
    }
  }
  const cut = { inputIds: sample.inputIds.slice(0, maxLength), labels: sample.labels.slice(0, maxLength) }
  if (countTrained(cut) === 0) {
    return {
      kind: 'dropped',
      reason: `has no answer tokens left after truncation to ${maxLength} tokens (the prompt alone is longer)`
    }
  }
  return { kind: 'truncated', samples: [cut] }
}
