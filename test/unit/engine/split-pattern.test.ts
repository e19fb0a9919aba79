// The Oniguruma -> JavaScript translation of tokenizer.json Split regexes: case-insensitive groups,
// Unicode White_Space for \s, identity escapes, and a named refusal of what it cannot translate.
import { describe, expect, it } from 'vitest'
import { splitIsolated, splitRegex, translateOniguruma } from '../../../src/engine/tokenizer/split-pattern'

describe('translateOniguruma', () => {
  it('spells out (?i:...) groups, which Node regexes cannot write', () => {
    expect(translateOniguruma("(?i:'s|'ll)|x")).toBe("(?:'[sS]|'[lL][lL])|x")
    const re = splitRegex({ Regex: "(?i:'s|'t)" })
    expect("IT'S it's DON'T".match(re)).toEqual(["'S", "'s", "'T"])
  })

  it('reads \\s as Unicode White_Space (U+0085 yes, U+FEFF no), as Oniguruma does', () => {
    const re = splitRegex({ Regex: '\\s+' })
    expect('a\u0085b'.match(re)).toEqual(['\u0085'])
    expect('a\ufeffb'.match(re)).toBeNull()
    expect(translateOniguruma('[^\\s\\p{L}]')).toBe('[^\\p{White_Space}\\p{L}]')
  })

  it("drops the backslash of identity escapes the u flag refuses (\\')", () => {
    expect(translateOniguruma("\\'s|\\.")).toBe("'s|\\.")
  })

  it.each([
    ['\\G\\w', /uses \\G/],
    ['(?>ab)', /uses the group "\(\?>a"/],
    ['[a[b]]', /nested character class/],
    ['[a-z&&[^m]]', /class intersection/]
  ])('refuses %s naming the construct', (pattern, message) => {
    expect(() => translateOniguruma(pattern)).toThrow(message)
  })

  it('keeps the text between matches as pieces (behavior Isolated) or drops the matches (Removed)', () => {
    expect(splitIsolated('a1b22c', /[0-9]+/gu)).toEqual(['a', '1', 'b', '22', 'c'])
    expect(splitIsolated('a1b22c', /[0-9]+/gu, false)).toEqual(['a', 'b', 'c'])
  })
})
