// The little the dataset code needs from a tokenizer, so it works with the engine's GPT-2 BPE
// tokenizer or any other model's without depending on how it is built.
/** Where a tokenizer comes from, so a worker thread can build the same one (tokenize-worker.ts). */
export type TokenizerSource = { kind: 'gpt2' } | { kind: 'folder'; path: string; name: string }

export interface TextTokenizer {
  /** Short name shown with the statistics, e.g. "gpt2" or a model's name. */
  readonly name?: string
  /** Set for the app's tokenizers; imports then tokenize in a worker thread. */
  readonly source?: TokenizerSource
  encode(text: string): number[]
  decode(ids: number[]): string
  /** The exact bytes the ids stand for (GPT-2's byte-level alphabet), so split characters can be joined. */
  decodeBytes?(ids: readonly number[]): Uint8Array
  readonly eosTokenId: number
}

/** Labels of tokens that do not count toward the loss (PyTorch's ignore_index). */
export const IGNORE_INDEX = -100
