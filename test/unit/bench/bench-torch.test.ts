// Bench honesty on a noisy host: PyTorch's fastest step is read beside its median, its runs before and after
// a case make a range, and our speed is compared with it by fastest steps.
import { describe, expect, it } from 'vitest'
import type { CaseResult } from '../../../bench/case-result'
import { findCase } from '../../../bench/cases'
import { formatReport, torchLine } from '../../../bench/report'
import { parseTorchLine, torchReference } from '../../../bench/torch-reference'

const line = (median: number, fastest: number) =>
  'torch 2.1 device=cpu threads=1 layers=12 embd=768 seq=256 batch=2: ' +
  `step ${(512 / median).toFixed(3)}s, ${median.toFixed(1)} tokens/s (median); ` +
  `fastest step ${(512 / fastest).toFixed(3)}s, ${fastest.toFixed(1)} tokens/s`

describe('PyTorch reference around a case', () => {
  it('reads the median and the fastest step of torch_lora_bench.py', () => {
    expect(parseTorchLine(line(80, 120))).toEqual({
      stepS: 6.4,
      tokensPerS: 80,
      fastestStepS: 4.267,
      fastestTokensPerS: 120
    })
    expect(parseTorchLine('step 1.000s, 512.0 tokens/s (median)')).toBeNull()
  })

  it("gives the ratio by fastest steps and shows the range of PyTorch's two runs", () => {
    const c = findCase('train-gpt2-small-seq256')
    if (c.kind !== 'train') throw new Error('a training case')
    const before = { when: 'before' as const, line: line(70, 100), ...parseTorchLine(line(70, 100))! }
    const after = { when: 'after' as const, line: line(150, 200), ...parseTorchLine(line(150, 200))! }
    const ref = torchReference(c, [before, 'torch_lora_bench.py failed (exit 1): boom', after])
    expect(ref.runs.map((r) => r.when)).toEqual(['before', 'after'])
    expect(ref.fastestTokensPerS).toBe(200)
    expect(torchReference(c, ['failed: boom']).skipped).toBe('failed: boom')
    // Ours: median 80 tokens/s, fastest 110 tokens/s.
    const ours = {
      case: c.name,
      kind: 'train',
      tokensPerS: 80,
      fastestTokensPerS: 110,
      stepMs: 6400,
      fastestStepMs: 4654.5
    } as CaseResult
    const text = formatReport({ results: [], failures: [], torch: [ref], imports: [] })
    expect(text).toContain('fastest step 100.0–200.0 tokens/s over 2 runs')
    const torchText = torchLine(ref, [ours])
    expect(torchText).toContain('ours/PyTorch by fastest steps = 0.55')
    expect(torchText).toContain("1.10 against PyTorch's slower run")
  })
})
