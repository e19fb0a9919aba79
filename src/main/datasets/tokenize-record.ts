// Turns a record's pieces into token ids and labels: each piece is encoded on its own, so the mask
// boundary is exact and the answer starts with the same tokens chat will see after the prompt;
// prompt labels are -100 unless "train on prompt", EOS closes each answer and is trained. What the
// model's post-processor puts first (Llama 3's <|begin_of_text|>) starts each sample once, labelled as
// the first piece is; a model's own chat template that writes it already is left as it is.
import type { NormalizedRecord, TemplateSpec } from '../../shared/datasets'
import { renderRecord, type Piece } from './templates'
import { IGNORE_INDEX, type TextTokenizer } from './text-tokenizer'

export interface TokenizedSample {
  inputIds: number[]
  /** Same length as inputIds: the id where the token is trained, -100 where it is masked. */
  labels: number[]
}

export function tokenizePieces(
  pieces: Piece[],
  tokenizer: TextTokenizer,
  trainOnPrompt: boolean
): TokenizedSample {
  const inputIds: number[] = []
  const labels: number[] = []
  const first = pieces[0]
  const prefixTrained = first !== undefined && ('eos' in first || first.trained || trainOnPrompt)
  for (const id of tokenizer.prefixIds ?? []) {
    inputIds.push(id)
    labels.push(prefixTrained ? id : IGNORE_INDEX)
  }
  for (const piece of pieces) {
    const ids =
      'eos' in piece ? [tokenizer.eosTokenId] : piece.text === '' ? [] : tokenizer.encode(piece.text)
    const trained = 'eos' in piece || piece.trained || trainOnPrompt
    for (const id of ids) {
      inputIds.push(id)
      labels.push(trained ? id : IGNORE_INDEX)
    }
  }
  const prefix = tokenizer.prefixIds?.length ?? 0
  if (prefix > 0 && inputIds.slice(prefix, 2 * prefix).every((id, i) => id === inputIds[i])) {
    inputIds.splice(0, prefix)
    labels.splice(0, prefix)
  }
  return { inputIds, labels }
}

export function tokenizeRecord(
  record: NormalizedRecord,
  template: TemplateSpec,
  tokenizer: TextTokenizer,
  trainOnPrompt: boolean
): TokenizedSample {
  return tokenizePieces(renderRecord(record, template, tokenizer.chatTemplate), tokenizer, trainOnPrompt)
}

export function countTrained(sample: TokenizedSample): number {
  let n = 0
  for (const label of sample.labels) if (label !== IGNORE_INDEX) n++
  return n
}
