// Byte-level BPE tokens as text a person can read. GPT-2 cuts text into bytes, so one Chinese character
// (3 UTF-8 bytes) may span two tokens and one token may end inside a character. Each token is shown as
// the whole characters it holds, with the bytes of a character it holds only part of written as \xHH
// (Python's notation); `pieces` joins consecutive tokens until they end on a character boundary, so every
// piece is readable text (for ASCII, one piece per token).

export interface TokenPiece {
  text: string
  /** Indexes into the token list. */
  tokens: number[]
}

export interface ReadableTokens {
  /** One per token: its text, with \xHH for bytes of a character cut between tokens. */
  tokens: string[]
  pieces: TokenPiece[]
}

/** Length of the UTF-8 sequence a lead byte starts, or 0 for a continuation or invalid byte. */
function sequenceLength(byte: number): number {
  if (byte < 0x80) return 1
  if (byte >= 0xc2 && byte < 0xe0) return 2
  if (byte >= 0xe0 && byte < 0xf0) return 3
  if (byte >= 0xf0 && byte < 0xf5) return 4
  return 0
}

const hex = (b: number) => `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`

/** Whether bytes[at…at+n) is one well-formed UTF-8 character. */
function wholeCharacter(bytes: Uint8Array, at: number, n: number): boolean {
  if (n === 0 || at + n > bytes.length) return false
  for (let k = 1; k < n; k++) if ((bytes[at + k] & 0xc0) !== 0x80) return false
  return true
}

export function readableTokens(tokenBytes: readonly Uint8Array[]): ReadableTokens {
  const total = tokenBytes.reduce((n, b) => n + b.length, 0)
  const all = new Uint8Array(total)
  const starts: number[] = []
  let at = 0
  for (const b of tokenBytes) {
    starts.push(at)
    all.set(b, at)
    at += b.length
  }
  // Where each well-formed character of the whole text starts, and how long it is.
  const charLength = new Uint8Array(total)
  /** 1 for the 2nd… bytes of a well-formed character: a piece never ends before them. */
  const inside = new Uint8Array(total)
  for (let p = 0; p < total;) {
    const n = sequenceLength(all[p])
    if (wholeCharacter(all, p, n)) {
      charLength[p] = n
      inside.fill(1, p + 1, p + n)
      p += n
    } else p++
  }
  const decoder = new TextDecoder('utf-8')
  const tokens = tokenBytes.map((b, i) => {
    const end = starts[i] + b.length
    let text = ''
    for (let p = starts[i]; p < end;) {
      const n = charLength[p]
      if (n > 0 && p + n <= end) {
        text += decoder.decode(all.subarray(p, p + n))
        p += n
      } else text += hex(all[p++])
    }
    return text
  })
  const boundary = (p: number) => p === total || inside[p] === 0
  const pieces: TokenPiece[] = []
  let open: number[] = []
  let from = 0
  tokenBytes.forEach((b, i) => {
    open.push(i)
    const end = starts[i] + b.length
    if (!boundary(end) && i < tokenBytes.length - 1) return
    const slice = all.subarray(from, end)
    const readable = open.length === 1 ? tokens[i] : decoder.decode(slice)
    pieces.push({ text: readable, tokens: open })
    open = []
    from = end
  })
  return { tokens, pieces }
}
