// Pre-tokenization for byte-level BPE: added tokens (`<|endoftext|>`, `<|im_start|>`) are cut out
// first, then the rest goes through the file's pre-tokenizer steps (a Split regex, Digits, ByteLevel with
// GPT-2's own regex), whitespace as Unicode White_Space as in Hugging Face tokenizers, not JS's `\s`.
import { splitIsolated } from './split-pattern'

const GPT2_SPLIT =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu

/** Pieces of one stretch of ordinary text by GPT-2's regex (ByteLevel with `use_regex`). */
export function splitGpt2Words(text: string): string[] {
  return text.match(GPT2_SPLIT) ?? []
}

/** One pre-tokenizer step: each piece the previous steps made is cut further. */
export type PreTokenizeStep = (piece: string) => string[]

/** ByteLevel's part of pre-tokenization (the bytes themselves are mapped when merging). */
export function byteLevelStep(addPrefixSpace: boolean, useRegex: boolean): PreTokenizeStep {
  return (piece) => {
    const text = addPrefixSpace && !piece.startsWith(' ') ? ` ${piece}` : piece
    return useRegex ? splitGpt2Words(text) : [text]
  }
}

/** Split with behavior "Isolated" (matches and the text between them) or "Removed" (only the text between). */
export function splitStep(regex: RegExp, keepMatches: boolean): PreTokenizeStep {
  return (piece) => splitIsolated(piece, regex, keepMatches)
}

export function runSteps(steps: readonly PreTokenizeStep[], text: string): string[] {
  let pieces = [text]
  for (const step of steps) pieces = pieces.length === 1 ? step(pieces[0]) : pieces.flatMap(step)
  return pieces
}

export interface AddedTokenMatch {
  content: string
  id: number
  /** Whitespace before the token belongs to it (dropped from the text). */
  lstrip: boolean
  /** Whitespace after the token belongs to it. */
  rstrip: boolean
}

export type Segment = { added: true; id: number } | { added: false; text: string }

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

const TRAILING_SPACE = /\p{White_Space}+$/u
const LEADING_SPACE = /^\p{White_Space}+/u

/** Splits text around added tokens (leftmost, longest first), which become one id each. */
export function makeAddedTokenSplitter(tokens: readonly AddedTokenMatch[]): (text: string) => Segment[] {
  if (tokens.length === 0) return (text) => (text ? [{ added: false, text }] : [])
  const byContent = new Map(tokens.map((t) => [t.content, t]))
  const sorted = [...byContent.keys()].sort((a, b) => b.length - a.length)
  const pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'g')
  return (text) => {
    const out: Segment[] = []
    let last = 0
    let stripNext = false
    const pushText = (s: string, stripEnd: boolean): void => {
      let t = stripNext ? s.replace(LEADING_SPACE, '') : s
      if (stripEnd) t = t.replace(TRAILING_SPACE, '')
      if (t !== '') out.push({ added: false, text: t })
    }
    for (const match of text.matchAll(pattern)) {
      const token = byContent.get(match[0]) as AddedTokenMatch
      pushText(text.slice(last, match.index), token.lstrip)
      out.push({ added: true, id: token.id })
      stripNext = token.rstrip
      last = match.index + match[0].length
    }
    pushText(text.slice(last), false)
    return out
  }
}
