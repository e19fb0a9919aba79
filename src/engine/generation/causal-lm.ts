// The seam between generation and a model: anything that can score the next token incrementally.
// The GPT-2 model implements it with a KV cache; tests implement it with a small table.

/** One decoding pass over a growing sequence; holds the model's cache for that sequence. */
export interface DecodeSession {
  /**
   * Feed `ids` after what was fed before; resolves to the logits of the LAST of them (length vocabSize),
   * in a fresh array that the caller owns and may modify.
   */
  append(ids: number[]): Promise<Float32Array>
  /** Number of positions fed so far. */
  readonly length: number
  /** Release the cache; the session must not be used afterwards. */
  dispose(): void
}

/** A causal language model that generation can drive one token at a time. */
export interface CausalLm {
  readonly vocabSize: number
  /** Longest sequence (prompt + generated) the model accepts, e.g. n_positions. */
  readonly maxPositions: number
  startSession(): DecodeSession
}
