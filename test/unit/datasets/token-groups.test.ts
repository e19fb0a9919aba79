// The token preview joins byte-level pieces back into characters: GPT-2 cuts 你 or 🔥 into tokens that
// are not text on their own, and each shown alone is a U+FFFD. Checked with GPT-2's own vocabulary.
import { describe, expect, it } from 'vitest'
import { defaultTokenizer } from '../../../src/main/datasets/default-tokenizer'
import { maskPreview } from '../../../src/main/datasets/mask-preview'
import { groupTokenBytes } from '../../../src/main/datasets/token-groups'

async function preview(text: string, trainedFrom = 0) {
  const tok = await defaultTokenizer()
  const inputIds = tok.encode(text)
  const labels = inputIds.map((id, i) => (i < trainedFrom ? -100 : id))
  return { tok, inputIds, mask: maskPreview({ inputIds, labels }, tok, false) }
}

describe('token groups for the preview', () => {
  it('joins the byte pieces of Chinese characters into readable text with their token counts', async () => {
    const { inputIds, mask } = await preview('栈溢出分析')
    // GPT-2 spends more tokens than characters here, and single tokens alone are not text.
    expect(inputIds.length).toBeGreaterThan(5)
    expect(mask.tokens.some((t) => t.text.includes('\uFFFD'))).toBe(true)
    expect(mask.groups.map((g) => g.text).join('')).toBe('栈溢出分析')
    expect(mask.groups.every((g) => !g.text.includes('\uFFFD'))).toBe(true)
    expect(mask.groups.reduce((n, g) => n + g.count, 0)).toBe(inputIds.length)
    expect(mask.groups.some((g) => g.count > 1)).toBe(true)
    // Groups are consecutive and cover every token once.
    mask.groups.forEach((g, i) =>
      expect(g.start).toBe(i === 0 ? 0 : mask.groups[i - 1].start + mask.groups[i - 1].count)
    )
  })

  it('keeps an emoji (4 UTF-8 bytes) as one chip', async () => {
    const { mask } = await preview('fire 🔥!')
    expect(mask.groups.map((g) => g.text)).toEqual(['fire', ' 🔥', '!'])
    expect(mask.groups[1].count).toBeGreaterThan(1)
  })

  it('leaves whole-token English alone and splits groups where training starts', async () => {
    const { tok, mask } = await preview('Translate: 你好 ok', 3)
    const ids = tok.encode('Translate: 你好 ok')
    expect(mask.groups.slice(0, 3).map((g) => [g.text, g.count])).toEqual([
      ['Trans', 1],
      ['late', 1],
      [':', 1]
    ])
    expect(mask.groups.map((g) => g.text).join('')).toBe('Translate: 你好 ok')
    expect(mask.groups.find((g) => g.start === 3)?.trained).toBe(true)
    expect(mask.groups.filter((g) => g.start < 3).every((g) => !g.trained)).toBe(true)
    expect(mask.groups.reduce((n, g) => n + g.count, 0)).toBe(ids.length)
  })

  it('groups raw bytes exactly: a lead byte waits for its continuation bytes, a stray continuation stands alone', () => {
    const b = (...x: number[]) => Uint8Array.from(x)
    // 你 = E4 BD A0 cut 1+2, then ASCII, then a stray continuation byte, then 🔥 = F0 9F 94 A5 cut 2+1+1
    const groups = groupTokenBytes(
      [b(0xe4), b(0xbd, 0xa0), b(0x41), b(0x80), b(0xf0, 0x9f), b(0x94), b(0xa5)],
      [false, false, false, false, true, true, true]
    )
    expect(groups).toEqual([
      { start: 0, count: 2, trained: false },
      { start: 2, count: 1, trained: false },
      { start: 3, count: 1, trained: false },
      { start: 4, count: 3, trained: true }
    ])
  })
})
