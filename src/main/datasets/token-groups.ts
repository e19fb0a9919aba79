// GPT-2's byte-level BPE cuts a Chinese character or an emoji into tokens that are not text on their
// own (each alone decodes to U+FFFD). The token preview shows consecutive tokens whose bytes only
// decode together as one chip, found from the exact UTF-8 bytes each token stands for.

export interface ByteGroup {
  start: number
  count: number
  trained: boolean
}

/** How many continuation bytes a UTF-8 lead byte announces; 0 for ASCII and for bytes that cannot lead. */
function continuationsAfter(byte: number): number {
  if (byte >= 0xc2 && byte <= 0xdf) return 1
  if (byte >= 0xe0 && byte <= 0xef) return 2
  if (byte >= 0xf0 && byte <= 0xf4) return 3
  return 0
}

const isContinuation = (byte: number): boolean => (byte & 0xc0) === 0x80

/**
 * Groups of consecutive tokens: a group closes at the end of a token where no character is left
 * half-written, or where training switches on or off (the mask boundary stays exact).
 */
export function groupTokenBytes(tokens: readonly Uint8Array[], trained: readonly boolean[]): ByteGroup[] {
  const groups: ByteGroup[] = []
  let pending = 0
  let open: ByteGroup | null = null
  tokens.forEach((bytes, i) => {
    if (open && (pending === 0 || open.trained !== trained[i])) {
      groups.push(open)
      open = null
      pending = 0
    }
    open ??= { start: i, count: 0, trained: trained[i] }
    open.count++
    for (const byte of bytes) {
      if (pending > 0 && isContinuation(byte)) pending--
      else pending = continuationsAfter(byte)
    }
  })
  if (open) groups.push(open)
  return groups
}
