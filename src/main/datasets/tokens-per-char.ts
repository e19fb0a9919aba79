// Tokens per character of a dataset's text on a model's tokenizer: the one function the model pickers
// and the Train page's tokens/char warning read, so GPT-2 and the chosen model are compared on the same
// characters (a record's content as recordText gives it, UTF-16 units as the import's statistics count).
import type { NormalizedRecord } from '../../shared/datasets'
import { recordText } from './field-mapping'
import { defaultTokenizer } from './default-tokenizer'
import type { TextTokenizer } from './text-tokenizer'

export interface TokensPerChar {
  tokens: number
  characters: number
  /** tokens / characters; 0 for no text. */
  ratio: number
  /** Records read (the first ones, up to the character budget). */
  records: number
}

/** Default budget: enough text for a stable ratio without tokenizing a whole corpus. */
export const TOKENS_PER_CHAR_BUDGET = 20_000

/** Tokens per character of `records` on `tokenizer`, reading records until `budget` characters. */
export async function tokensPerChar(
  records: Iterable<NormalizedRecord> | AsyncIterable<NormalizedRecord>,
  tokenizer: Pick<TextTokenizer, 'encode'>,
  budget = TOKENS_PER_CHAR_BUDGET
): Promise<TokensPerChar> {
  let tokens = 0
  let characters = 0
  let count = 0
  for await (const record of records) {
    const text = recordText(record)
    tokens += tokenizer.encode(text).length
    characters += text.length
    count++
    if (characters >= budget) break
  }
  return { tokens, characters, ratio: characters === 0 ? 0 : tokens / characters, records: count }
}

/**
 * The same records on GPT-2's tokenizer and on the chosen model's, for the comparison the pickers and
 * the Train page's warning show (GPT-2 needs 2.09 tokens a character of Chinese; Qwen3 about 0.9).
 */
export async function compareTokensPerChar(
  records: readonly NormalizedRecord[],
  model: Pick<TextTokenizer, 'encode'>,
  budget = TOKENS_PER_CHAR_BUDGET
): Promise<{ gpt2: TokensPerChar; model: TokensPerChar }> {
  const gpt2 = await defaultTokenizer()
  return {
    gpt2: await tokensPerChar(records, gpt2, budget),
    model: await tokensPerChar(records, model, budget)
  }
}
