// Token statistics of a dataset as the chosen tokenizer sees it: sizes, trained tokens, a histogram of
// the lengths of the samples that train (after packing, splitting or truncation at the max length, so
// no bar lies above it), the share of records cut at the max length, steps per epoch, and tokens per character with a
// warning when the tokenizer fragments the text (Chinese on GPT-2 takes over a token per character).
import type { DatasetStatistics, HistogramBin } from '../../shared/datasets'

export const HISTOGRAM_BINS = 16
/** GPT-2 needs about 0.25 tokens per character of English prose; twice that means fragmentation. */
export const FRAGMENTATION_THRESHOLD = 0.5

export function fragmentationWarning(
  tokensPerCharacter: number,
  tokenizer: string,
  maxLength: number
): string | null {
  if (tokensPerCharacter <= FRAGMENTATION_THRESHOLD) return null
  return (
    `The ${tokenizer} tokenizer needs ${tokensPerCharacter.toFixed(2)} tokens per character of this text ` +
    `(English prose takes about 0.25). Text it has no vocabulary for, usually Chinese, is cut into byte pieces: ` +
    `a ${maxLength}-token sample holds only about ${Math.round(maxLength / tokensPerCharacter)} characters and ` +
    `the model learns the language poorly. A model whose vocabulary covers the language will do much better.`
  )
}

/** What one record turned into: its samples' sizes (for packed text, its tokens before packing). */
export interface RecordSamples {
  samples: number
  tokens: number
  trained: number
  maxSample: number
}

export class StatisticsAccumulator {
  private records = 0
  private characters = 0
  private contentTokens = 0
  private overLength = 0
  private readonly bins: HistogramBin[]
  private readonly splits = {
    train: { samples: 0, tokens: 0, trained: 0, maxSample: 0 },
    validation: { samples: 0, tokens: 0, trained: 0, maxSample: 0 }
  }

  constructor(
    private readonly maxLength: number,
    /** Raw text packed into blocks: samples are counted from the tokens of each split. */
    private readonly packed: boolean,
    /** Whether over-long records are cut and lose tokens (not packed or split). */
    private readonly cutsOverlong: boolean
  ) {
    const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) =>
      Math.round((i * maxLength) / HISTOGRAM_BINS)
    )
    edges[HISTOGRAM_BINS] = maxLength + 1
    this.bins = edges.slice(0, -1).map((from, i) => ({ from, to: edges[i + 1], count: 0 }))
  }

  /** One record: its full token length (before any cut), and its content's characters and tokens. */
  addRecord(tokens: number, characters: number, contentTokens: number): void {
    this.records++
    this.characters += characters
    this.contentTokens += contentTokens
    if (tokens > this.maxLength) this.overLength++
  }

  /** `count` samples of `length` tokens into `bins` (a sample is never above the max length). */
  private binSamples(length: number, count: number, bins = this.bins): void {
    if (count <= 0) return
    bins[bins.findIndex((b) => b.to !== null && length < b.to)].count += count
  }

  addSamples(split: 'train' | 'validation', r: RecordSamples): void {
    const s = this.splits[split]
    s.samples += r.samples
    s.tokens += r.tokens
    s.trained += r.trained
    s.maxSample = Math.max(s.maxSample, r.maxSample)
    if (this.packed || r.samples === 0) return
    // A record's samples are full windows of maxLength but the last (see packing.ts).
    this.binSamples(this.maxLength, r.samples - 1)
    this.binSamples(r.tokens - (r.samples - 1) * this.maxLength, 1)
  }

  /** The histogram; packed blocks per split are full ones, then the shorter last (the Packer keeps it). */
  private histogram(): HistogramBin[] {
    const bins = this.bins.map((b) => ({ ...b }))
    if (!this.packed) return bins
    for (const { tokens } of [this.splits.train, this.splits.validation]) {
      this.binSamples(this.maxLength, Math.floor(tokens / this.maxLength), bins)
      this.binSamples(tokens % this.maxLength, tokens % this.maxLength > 0 ? 1 : 0, bins)
    }
    return bins
  }

  private samplesOf(split: 'train' | 'validation'): number {
    const s = this.splits[split]
    return this.packed ? Math.ceil(s.tokens / this.maxLength) : s.samples
  }

  finish(options: { tokenizer: string; batchSize: number; gradientAccumulation: number }): DatasetStatistics {
    const train = this.samplesOf('train')
    const validation = this.samplesOf('validation')
    const samples = train + validation
    const totalTokens = this.splits.train.tokens + this.splits.validation.tokens
    const maxSample = this.packed
      ? Math.min(this.maxLength, Math.max(this.splits.train.tokens, this.splits.validation.tokens))
      : Math.max(this.splits.train.maxSample, this.splits.validation.maxSample)
    const tokensPerCharacter = this.characters ? this.contentTokens / this.characters : 0
    const perStep = options.batchSize * options.gradientAccumulation
    return {
      tokenizer: options.tokenizer,
      records: this.records,
      samples,
      trainSamples: train,
      validationSamples: validation,
      totalTokens,
      trainedTokens: this.splits.train.trained + this.splits.validation.trained,
      characters: this.characters,
      tokensPerCharacter,
      fragmentationWarning: fragmentationWarning(tokensPerCharacter, options.tokenizer, this.maxLength),
      meanLength: samples ? totalTokens / samples : 0,
      maxSampleLength: maxSample,
      histogram: this.histogram(),
      truncatedShare: this.cutsOverlong && this.records ? this.overLength / this.records : 0,
      batchSize: options.batchSize,
      gradientAccumulation: options.gradientAccumulation,
      stepsPerEpoch: Math.ceil(train / perStep)
    }
  }
}
