// GPT-2's byte-level BPE cuts a Chinese character or an emoji into tokens that are not text on their
// own (each alone decodes to U+FFFD). The token preview shows consecutive tokens whose bytes only
// decode together as one chip: the readable pieces of src/shared/token-pieces, cut where training
// switches on or off so the mask boundary stays exact.
import { readableTokens } from '../../shared/token-pieces'

export interface ByteGroup {
  start: number
  count: number
  trained: boolean
}

export function groupTokenBytes(tokens: readonly Uint8Array[], trained: readonly boolean[]): ByteGroup[] {
  const groups: ByteGroup[] = []
  for (const piece of readableTokens(tokens).pieces) {
    for (const [k, i] of piece.tokens.entries()) {
      const last = groups.at(-1)
      if (k > 0 && last && last.trained === trained[i]) last.count++
      else groups.push({ start: i, count: 1, trained: trained[i] })
    }
  }
  return groups
}
