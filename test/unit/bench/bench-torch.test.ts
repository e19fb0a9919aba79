// Bench honesty on a noisy host: PyTorch's fastest step is read beside its median, its runs before and after
// a case make a range, and our speed is compared with it by fastest steps.
import { describe, expect, it } from 'vitest'
import type { CaseResult } from '../../../bench/case-result'
import { findCase } from '../../../bench/cases'
import { formatReport, torchLine } from '../../../bench/report'
import { parseTorchLine, torchArgs, torchReference, torchScriptOf } from '../../../bench/torch-reference'

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

  it("reads torch_generate_bench.py's prefill and per-token steps, and runs it with the case's shape", () => {
    const out =
      '{"ids": [1, 2]}\ntorch 1.13.0a0 device=cpu threads=1 layers=12 embd=768 prompt=32 new=256 repeats=1 lora=24: ' +
      'prefill 0.1461s; step 0.13656s, 7.32 tokens/s (median); fastest step 0.12500s, 8.00 tokens/s; ' +
      'CPU per step 0.10000s; ' +
      'single tokens median 0.10760s, fastest 0.09872s'
    expect(parseTorchLine(out)).toEqual({
      prefillS: 0.1461,
      cpuStepS: 0.1,
      stepS: 0.13656,
      tokensPerS: 7.32,
      fastestStepS: 0.125,
      fastestTokensPerS: 8
    })
    const c = findCase('generate-gpt2-small')
    expect(torchScriptOf(c)).toBe('torch_generate_bench.py')
    expect(torchScriptOf(findCase('train-tiny'))).toBe('torch_lora_bench.py')
    expect(torchArgs(c, 1, 'cpu').join(' ')).toBe(
      '--layers 12 --embd 768 --heads 12 --vocab 50257 --r 16 --alpha 32 --targets attn.c_attn,attn.c_proj ' +
        '--positions 1024 --prompt 32 --new 256 --repeats 1 --device cpu'
    )
  })

  it('gives a generate case its decode ratio against both PyTorch runs, with their prefill', () => {
    const c = findCase('generate-gpt2-small')
    const run = (when: 'before' | 'after', tokensPerS: number) => ({
      when,
      prefillS: 0.15,
      cpuStepS: tokensPerS === 8 ? 0.1 : 0.08,
      stepS: 1 / tokensPerS,
      tokensPerS,
      fastestStepS: 1 / tokensPerS,
      fastestTokensPerS: tokensPerS,
      line: ''
    })
    const ref = torchReference(c, [run('before', 8), run('after', 10)])
    const ours = {
      case: c.name,
      kind: 'generate',
      tokensPerS: 6,
      fastestTokensPerS: 6,
      tokensPerCpuS: 15
    } as CaseResult
    const text = torchLine(ref, [ours])
    expect(text).toContain('step = time per decoded token')
    expect(text).toContain('before: fastest 8.0, median 8.0 tokens/s, prefill 150 ms, 100 ms CPU per step')
    // 15 tokens per CPU second against PyTorch's best, 1 / 0.08 s = 12.5.
    expect(text).toContain('by CPU time 1.20')
    expect(text).toContain('ours/PyTorch by fastest steps = 0.60')
    expect(text).toContain("0.75 against PyTorch's slower run")
  })
})
