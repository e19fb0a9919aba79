// GPT-2's reversible byte <-> printable-character mapping (`bytes_to_unicode` in OpenAI's encoder.py),
// which lets byte-level BPE treat any UTF-8 input, emoji and broken bytes included, as plain text.

function buildByteToChar(): string[] {
  const direct: number[] = []
  for (let b = 0x21; b <= 0x7e; b++) direct.push(b)
  for (let b = 0xa1; b <= 0xac; b++) direct.push(b)
  for (let b = 0xae; b <= 0xff; b++) direct.push(b)
  const table: string[] = new Array<string>(256)
  let shifted = 0
  for (let b = 0; b < 256; b++) {
    table[b] = direct.includes(b) ? String.fromCharCode(b) : String.fromCharCode(256 + shifted++)
  }
  return table
}

/** byte value -> the single character that stands for it in vocab.json. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar()

/** character -> byte value, the inverse of BYTE_TO_CHAR. */
export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]))

/** Bytes a vocabulary token stands for, or null when it contains a character outside the byte alphabet. */
export function tokenToBytes(token: string): Uint8Array | null {
  const out = new Uint8Array(token.length)
  for (let i = 0; i < token.length; i++) {
    const b = CHAR_TO_BYTE.get(token[i])
    if (b === undefined) return null
    out[i] = b
  }
  return out
}
