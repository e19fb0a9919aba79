// Turns a tokenizer.json Split regex, written for the Rust tokenizers' Oniguruma engine, into a
// JavaScript `u` regex, the way @huggingface/tokenizers does for the constructs byte-level BPE files use
// (Llama 3's and Qwen2/Qwen3's patterns): `\s`/`\S` as Unicode White_Space (JS's `\s` differs),
// `\d` as `\p{Nd}`, inline case-insensitive groups `(?i:...)` spelled out as `[sS]` letters (Node has
// no regex modifiers), and identity escapes (`\'`) without their backslash. Anything else Oniguruma-only
// is refused with the construct named, rather than splitting text differently from the model's own.

/** A construct the translation does not handle; the message names it. */
export class SplitPatternError extends Error {}

const SYNTAX = new Set('^$\\.*+?()[]{}|/')
const PASS_ESCAPES = new Set('rntfv0')

function caseless(ch: string, inClass: boolean): string {
  const lower = ch.toLowerCase()
  const upper = ch.toUpperCase()
  if (lower === upper) return ch
  return inClass ? `${lower}${upper}` : `[${lower}${upper}]`
}

/** The JS source of an Oniguruma pattern; compile it with the `gu` flags. */
export function translateOniguruma(pattern: string): string {
  let out = ''
  let inClass = false
  /** One entry per open group: whether it is case-insensitive. */
  const groups: boolean[] = []
  const caseInsensitive = (): boolean => groups.includes(true)
  const unsupported = (what: string): never => {
    throw new SplitPatternError(`the regex ${JSON.stringify(pattern)} uses ${what}, which is not supported`)
  }
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]
    if (ch === '\\') {
      const next = pattern[i + 1]
      if (next === undefined) unsupported('a trailing backslash')
      i++
      if (next === 's') out += '\\p{White_Space}'
      else if (next === 'S') out += '\\P{White_Space}'
      else if (next === 'd') out += '\\p{Nd}'
      else if (next === 'D') out += '\\P{Nd}'
      else if (next === 'p' || next === 'P') {
        const end = pattern.indexOf('}', i)
        if (pattern[i + 1] !== '{' || end < 0) unsupported(`\\${next} without {name}`)
        out += `\\${next}${pattern.slice(i + 1, end + 1)}`
        i = end
      } else if (next === 'x' || next === 'u') {
        out += `\\${next}`
      } else if (PASS_ESCAPES.has(next)) out += `\\${next}`
      else if (/[A-Za-z0-9]/.test(next)) unsupported(`\\${next}`)
      else out += SYNTAX.has(next) || (inClass && next === '-') ? `\\${next}` : next
      continue
    }
    if (inClass) {
      if (ch === '[') unsupported('a nested character class')
      if (ch === '&' && pattern[i + 1] === '&') unsupported('a class intersection (&&)')
      if (ch === ']') inClass = false
      out += caseInsensitive() && /[A-Za-z]/.test(ch) ? caseless(ch, true) : ch
      continue
    }
    if (ch === '[') {
      inClass = true
      out += ch
      if (pattern[i + 1] === '^') out += pattern[++i]
      if (pattern[i + 1] === ']') out += `\\${pattern[++i]}`
    } else if (ch === '(') {
      if (pattern.startsWith('(?i:', i)) {
        groups.push(true)
        out += '(?:'
        i += 3
      } else if (pattern[i + 1] === '?' && !/^\(\?(?::|=|!|<=|<!)/.test(pattern.slice(i, i + 4))) {
        unsupported(`the group ${JSON.stringify(pattern.slice(i, i + 4))}`)
      } else {
        groups.push(false)
        out += ch
      }
    } else if (ch === ')') {
      groups.pop()
      out += ch
    } else out += caseInsensitive() && /[A-Za-z]/.test(ch) ? caseless(ch, false) : ch
  }
  return out
}

/** The compiled global regex for a Split pattern (`{ Regex: "..." }` or `{ String: "..." }`). */
export function splitRegex(pattern: { Regex?: string; String?: string }): RegExp {
  const source =
    pattern.Regex !== undefined
      ? translateOniguruma(pattern.Regex)
      : (pattern.String ?? '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  if (source === '') throw new SplitPatternError('the Split pattern is empty')
  try {
    return new RegExp(source, 'gu')
  } catch (err) {
    throw new SplitPatternError(
      `the regex ${JSON.stringify(source)} does not compile: ${(err as Error).message}`
    )
  }
}

/** `text` cut at every match, matches and the text between them kept as pieces (behavior "Isolated"). */
export function splitIsolated(text: string, regex: RegExp, keepMatches = true): string[] {
  const out: string[] = []
  let last = 0
  for (const m of text.matchAll(regex)) {
    if (m[0] === '') continue
    if (m.index > last) out.push(text.slice(last, m.index))
    if (keepMatches) out.push(m[0])
    last = m.index + m[0].length
  }
  if (last < text.length) out.push(text.slice(last))
  return out
}
