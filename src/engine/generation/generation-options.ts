// What a caller can ask of generation, its defaults, and the checks that turn a bad setting into an error
// naming the field, before any model work starts.

export interface GenerationOptions {
  /** Most tokens to generate after the prompt. */
  maxNewTokens: number
  /** Softmax temperature; 0 means greedy decoding. */
  temperature: number
  /** Keep only the k most likely tokens (ties at the k-th value kept); 0 turns it off. */
  topK: number
  /** Keep the smallest set of tokens whose probability reaches topP; 1 turns it off. */
  topP: number
  /** HF repetition penalty on every token already in the sequence (prompt included); 1 turns it off. */
  repetitionPenalty: number
  /** Sample from the distribution; false means greedy decoding (only the repetition penalty applies). */
  doSample: boolean
  /** Seed of the sampling RNG: the same seed, model and prompt give the same tokens. */
  seed: number
  /** Stop when the generated text contains one of these; it is trimmed from the result. */
  stopSequences: string[]
  /** End-of-sequence token (GPT-2: 50256); null when the model has none. */
  eosTokenId: number | null
  /** Stop when the model emits eosTokenId. */
  stopOnEos: boolean
}

export const DEFAULT_GENERATION_OPTIONS: Readonly<GenerationOptions> = Object.freeze({
  maxNewTokens: 128,
  temperature: 1,
  topK: 50,
  topP: 1,
  repetitionPenalty: 1,
  doSample: true,
  seed: 0,
  stopSequences: [],
  eosTokenId: 50256,
  stopOnEos: true
})

/** Throws a RangeError naming the first invalid field of `options` and the values it accepts. */
export function validateGenerationOptions(options: GenerationOptions, vocabSize: number): void {
  const fail = (field: keyof GenerationOptions, accepts: string): never => {
    throw new RangeError(
      `generation option ${field} must be ${accepts}; got ${JSON.stringify(options[field])}`
    )
  }
  if (!Number.isInteger(options.maxNewTokens) || options.maxNewTokens < 0) {
    fail('maxNewTokens', 'an integer >= 0')
  }
  if (!Number.isFinite(options.temperature) || options.temperature < 0) {
    fail('temperature', 'a number >= 0 (0 = greedy)')
  }
  if (!Number.isInteger(options.topK) || options.topK < 0) fail('topK', 'an integer >= 0 (0 = off)')
  if (!(options.topP > 0 && options.topP <= 1)) fail('topP', 'a number in (0, 1] (1 = off)')
  if (!Number.isFinite(options.repetitionPenalty) || options.repetitionPenalty <= 0) {
    fail('repetitionPenalty', 'a number > 0 (1 = off)')
  }
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) {
    fail('seed', `an integer from 0 to ${Number.MAX_SAFE_INTEGER}`)
  }
  if (
    !Array.isArray(options.stopSequences) ||
    options.stopSequences.some((s) => typeof s !== 'string' || s === '')
  ) {
    fail('stopSequences', 'a list of non-empty strings')
  }
  const eos = options.eosTokenId
  if (eos !== null && (!Number.isInteger(eos) || eos < 0 || eos >= vocabSize)) {
    fail('eosTokenId', `null or a token id from 0 to ${vocabSize - 1}`)
  }
}

/** True when the settings ask for sampling rather than greedy decoding. */
export function isSampling(options: GenerationOptions): boolean {
  return options.doSample && options.temperature > 0
}
