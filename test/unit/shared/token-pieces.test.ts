// Byte-level tokens as readable text: whole characters as text, the bytes of a character cut between
// tokens as \xHH, and pieces that join tokens until a character boundary.
import { describe, expect, it } from 'vitest'
import { readableTokens } from '../../../src/shared/token-pieces'

const bytes = (...tokens: number[][]) => tokens.map((t) => Uint8Array.from(t))

describe('readableTokens', () => {
  it('keeps ASCII tokens as they are, one piece each', () => {
    expect(readableTokens(bytes([0x48, 0x69], [0x20, 0x21]))).toEqual({
      tokens: ['Hi', ' !'],
      pieces: [
        { text: 'Hi', tokens: [0] },
        { text: ' !', tokens: [1] }
      ]
    })
  })

  it('joins a token that ends one character and starts the next with its neighbours', () => {
    // 你 = E4 BD A0, 好 = E5 A5 BD, cut as [E4 BD] [A0 E5 A5] [BD].
    expect(readableTokens(bytes([0xe4, 0xbd], [0xa0, 0xe5, 0xa5], [0xbd]))).toEqual({
      tokens: ['\\xE4\\xBD', '\\xA0\\xE5\\xA5', '\\xBD'],
      pieces: [{ text: '你好', tokens: [0, 1, 2] }]
    })
  })

  it('shows whole characters inside a token as text beside the cut bytes', () => {
    expect(readableTokens(bytes([0x61, 0xe4], [0xbd, 0xa0, 0x62]))).toEqual({
      tokens: ['a\\xE4', '\\xBD\\xA0b'],
      pieces: [{ text: 'a你b', tokens: [0, 1] }]
    })
    // 😀 = F0 9F 98 80 as GPT-2 cuts it.
    expect(readableTokens(bytes([0xf0, 0x9f, 0x98], [0x80])).pieces).toEqual([{ text: '😀', tokens: [0, 1] }])
  })
})
