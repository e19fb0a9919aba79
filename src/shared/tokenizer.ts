// The one shape of a tokenizer that everything which tokenizes relies on (the engine's generation and
// training, the datasets worker, statistics, chat), whatever model family's files it was built from.

export interface EncodeOptions {
  /**
   * Put the tokens the model's post-processor adds around one sequence (Llama 3's `<|begin_of_text|>`;
   * none for GPT-2 and Qwen), as Hugging Face's `add_special_tokens=True`. Default false: pieces of one
   * sample are encoded separately and the caller adds them once (see `prefixIds`).
   */
  addSpecialTokens?: boolean
}

export interface DecodeOptions {
  /** Leave out tokens marked `special` (end-of-text, chat markers), as `skip_special_tokens=True`. */
  skipSpecialTokens?: boolean
}

export interface Tokenizer {
  /** Number of ids (`len(tokenizer)` in transformers): highest id + 1. */
  readonly vocabSize: number
  readonly eosTokenId: number
  /** The beginning-of-text id when the tokenizer config names one, else null. */
  readonly bosTokenId: number | null
  /** Ids `addSpecialTokens` puts before a sequence (Llama 3: `[128000]`; GPT-2, Qwen: `[]`). */
  readonly prefixIds: readonly number[]
  /** Ids `addSpecialTokens` puts after a sequence (usually `[]`). */
  readonly suffixIds: readonly number[]
  /** Ids of `text`; added tokens written in it (`<|im_end|>`) become their single ids. */
  encode(text: string, options?: EncodeOptions): number[]
  /** Text of the ids; a cut multi-byte character becomes U+FFFD. No clean-up of spaces: exact round trip. */
  decode(ids: readonly number[], options?: DecodeOptions): string
  /** The exact bytes the ids stand for (byte-level alphabet), so a character split over tokens can be joined. */
  decodeBytes(ids: readonly number[], options?: DecodeOptions): Uint8Array
  /** The vocabulary string of an id (`Ġthe`); throws RangeError for an id outside the vocabulary. */
  idToToken(id: number): string
  tokenToId(token: string): number | undefined
  /** Whether the id is an added token marked `special`. */
  isSpecialId(id: number): boolean
}
