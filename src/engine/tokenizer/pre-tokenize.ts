// GPT-2's pre-tokenization: special tokens are cut out first, then the rest is split by GPT-2's
// regex (whitespace as Unicode White_Space, as in Hugging Face tokenizers, not JavaScript's `\s`).

const GPT2_SPLIT =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu

/** Pieces of one stretch of ordinary text, each to be byte-encoded and merged on its own. */
export function splitGpt2Words(text: string): string[] {
  return text.match(GPT2_SPLIT) ?? []
}

export type Segment = { special: true; token: string } | { special: false; text: string }

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Splits text around occurrences of special tokens (longest first), which become one id each. */
export function makeSpecialSplitter(specials: readonly string[]): (text: string) => Segment[] {
  if (specials.length === 0) return (text) => (text ? [{ special: false, text }] : [])
  const sorted = [...specials].sort((a, b) => b.length - a.length)
  const pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'g')
  return (text) => {
    const out: Segment[] = []
    let last = 0
    for (const match of text.matchAll(pattern)) {
      if (match.index > last) out.push({ special: false, text: text.slice(last, match.index) })
      out.push({ special: true, token: match[0] })
      last = match.index + match[0].length
    }
    if (last < text.length) out.push({ special: false, text: text.slice(last) })
    return out
  }
}
