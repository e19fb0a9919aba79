// The exact token sequence of a sample with each token's text and id and whether it is trained, so
// the user sees what the loss is computed on before spending hours training. Tokens that split a
// character are also given as groups whose joined bytes decode to that character.
import type { MaskPreview, TokenGroup } from '../../shared/datasets'
import type { TextTokenizer } from './text-tokenizer'
import { IGNORE_INDEX } from './text-tokenizer'
import type { TokenizedSample } from './tokenize-record'
import { groupTokenBytes } from './token-groups'

export function maskPreview(
  sample: TokenizedSample,
  tokenizer: TextTokenizer,
  truncated: boolean
): MaskPreview {
  const tokens = sample.inputIds.map((id, i) => ({
    id,
    text: tokenizer.decode([id]),
    trained: sample.labels[i] !== IGNORE_INDEX
  }))
  return {
    tokens,
    groups: groupsOf(sample.inputIds, tokens, tokenizer),
    totalTokens: tokens.length,
    trainedTokens: tokens.filter((t) => t.trained).length,
    truncated
  }
}

function groupsOf(
  ids: number[],
  tokens: { text: string; trained: boolean }[],
  tokenizer: TextTokenizer
): TokenGroup[] {
  const trained = tokens.map((t) => t.trained)
  const { decodeBytes } = tokenizer
  if (!decodeBytes) return tokens.map((t, start) => ({ start, count: 1, text: t.text, trained: t.trained }))
  const groups = groupTokenBytes(
    ids.map((id) => decodeBytes([id])),
    trained
  )
  return groups.map((g) => ({ ...g, text: tokenizer.decode(ids.slice(g.start, g.start + g.count)) }))
}
