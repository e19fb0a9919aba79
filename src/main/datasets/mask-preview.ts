// The exact token sequence of a sample with each token's text and id and whether it is trained, so
// the user sees what the loss is computed on before spending hours training.
import type { MaskPreview } from '../../shared/datasets'
import type { TextTokenizer } from './text-tokenizer'
import { IGNORE_INDEX } from './text-tokenizer'
import type { TokenizedSample } from './tokenize-record'

export function maskPreview(sample: TokenizedSample, tokenizer: TextTokenizer, truncated: boolean): MaskPreview {
  const tokens = sample.inputIds.map((id, i) => ({
    id,
    text: tokenizer.decode([id]),
    trained: sample.labels[i] !== IGNORE_INDEX
  }))
  return {
    tokens,
    totalTokens: tokens.length,
    trainedTokens: tokens.filter((t) => t.trained).length,
    truncated
  }
}
