// Turns a record's pieces into token ids and labels: each piece is encoded on its own, so the mask
// boundary is exact and the answer starts with the same tokens chat will see after the prompt;
// prompt labels are -100 unless "train on prompt", EOS closes each answer and is trained.
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
  for (const piece of pieces) {
    const ids =
      'eos' in piece ? [tokenizer.eosTokenId] : piece.text === '' ? [] : tokenizer.encode(piece.text)
    const trained = 'eos' in piece || piece.trained || trainOnPrompt
    for (const id of ids) {
      inputIds.push(id)
      labels.push(trained ? id : IGNORE_INDEX)
    }
  }
  return { inputIds, labels }
}

export function tokenizeRecord(
  record: NormalizedRecord,
  template: TemplateSpec,
  tokenizer: TextTokenizer,
  trainOnPrompt: boolean
): TokenizedSample {
  return tokenizePieces(renderRecord(record, template), tokenizer, trainOnPrompt)
}

export function countTrained(sample: TokenizedSample): number {
  let n = 0
  for (const label of sample.labels) if (label !== IGNORE_INDEX) n++
  return n
}
