// Decodes bytes as UTF-8 the forgiving way (invalid bytes become U+FFFD) while counting how many
// were replaced, so a mis-encoded file still imports and the report says so.
const REPLACEMENT = 0xfffd

function countReplacementChars(text: string): number {
  let n = 0
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) n++
  return n
}

/** Occurrences of U+FFFD written in the bytes themselves (EF BF BD), which are not decoding errors. */
function countEncodedReplacementChars(bytes: Uint8Array): number {
  let n = 0
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) n++
  }
  return n
}

export interface DecodedText {
  text: string
  invalidBytes: number
}

/** Decodes one complete buffer (a line, a file). */
export function decodeUtf8(bytes: Uint8Array): DecodedText {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), invalidBytes: 0 }
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes)
    return {
      text,
      invalidBytes: Math.max(1, countReplacementChars(text) - countEncodedReplacementChars(bytes))
    }
  }
}

/** Decodes a stream chunk by chunk (multi-byte characters may straddle chunks). */
export class StreamingUtf8Decoder {
  private readonly decoder = new TextDecoder('utf-8')
  invalidBytes = 0

  write(chunk: Uint8Array): string {
    const text = this.decoder.decode(chunk, { stream: true })
    if (text.includes(String.fromCharCode(REPLACEMENT))) {
      this.invalidBytes += Math.max(0, countReplacementChars(text) - countEncodedReplacementChars(chunk))
    }
    return text
  }

  end(): string {
    const text = this.decoder.decode()
    this.invalidBytes += countReplacementChars(text)
    return text
  }
}
