// The CWE sample datasets are generated from cwe-sdk 1.1.19's raw/cwe-dictionary.json: 964 entries,
// 25 of them deprecated; 668 of the 939 others list potential mitigations.
import { describe, expect, it } from 'vitest'
import { cweCorpus, cweInstructions, cweWeaknesses, plainText } from '../../../src/main/datasets/sample-cwe'

describe('CWE sample datasets', () => {
  it('builds one explanation per weakness and one mitigation question where the catalogue has mitigations', () => {
    expect(cweWeaknesses()).toHaveLength(939)
    const instructions = cweInstructions()
    expect(instructions).toHaveLength(939 + 668)
    expect(cweCorpus()).toHaveLength(939)
    const explain121 = instructions.find(
      (r) => r.instruction === 'Explain CWE-121 (Stack-based Buffer Overflow).'
    )
    expect(
      explain121?.output.startsWith(
        'CWE-121 (Stack-based Buffer Overflow) is a variant-level weakness. A stack-based buffer overflow condition is a condition where the buffer being overwritten is allocated on the stack'
      )
    ).toBe(true)
    expect(explain121?.output).toContain('Likelihood of exploit: High.')
    expect(explain121?.output).toContain(
      'Common consequences:\n- Availability: Modify Memory; DoS: Crash, Exit, or Restart'
    )
    const prevent121 = instructions.find((r) => r.instruction.startsWith('How can CWE-121 '))
    expect(prevent121?.output).toContain('- Implementation: Implement and perform bounds checking on input.')
  })

  it('flattens the catalogue XHTML into paragraphs and bullet lists', () => {
    expect(plainText({ 'xhtml:p': ['One  two', 'Three'], 'xhtml:ul': { 'xhtml:li': ['a', 'b'] } })).toBe(
      'One two\nThree\n- a\n- b'
    )
  })
})
