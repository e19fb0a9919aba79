// Token statistics with the real GPT-2 tokenizer. The Chinese paragraph below takes 171 tokens for 82
// characters (2.09 per character); the English one 53 tokens for 261 characters (0.20).
import { beforeAll, describe, expect, it } from 'vitest'
import { defaultTokenizer } from '../../../src/main/datasets/default-tokenizer'
import { processRecord } from '../../../src/main/datasets/record-processor'
import { StatisticsAccumulator } from '../../../src/main/datasets/statistics'
import type { TextTokenizer } from '../../../src/main/datasets/text-tokenizer'
import { ReportBuilder } from '../../../src/main/datasets/validation-report'
import type { NormalizedRecord } from '../../../src/shared/datasets'

const chinese =
  '缓冲区溢出是一种常见的软件安全漏洞。当程序向固定大小的缓冲区写入超过其容量的数据时，多余的数据会覆盖相邻的内存，攻击者可以借此修改函数的返回地址，从而执行任意代码。'
const english =
  'A buffer overflow is a common software security flaw. When a program writes more data into a fixed-size buffer than it can hold, the excess overwrites adjacent memory, and an attacker can use it to change the return address of a function and run arbitrary code.'

let tok: TextTokenizer
beforeAll(async () => {
  tok = await defaultTokenizer()
})

const base = {
  template: { name: 'human-assistant' as const },
  trainOnPrompt: false,
  maxLength: 16,
  textMode: 'truncate' as 'pack' | 'truncate' | 'split',
  overlap: 0,
  overlong: 'truncate' as const
}

function statsOf(records: NormalizedRecord[], settings: typeof base) {
  const report = new ReportBuilder()
  const packed = settings.textMode === 'pack' && records[0].kind === 'text'
  const stats = new StatisticsAccumulator(
    settings.maxLength,
    packed,
    !packed && settings.textMode !== 'split'
  )
  records.forEach((record, i) => {
    const p = processRecord(record, { file: 'f.jsonl', line: i + 1 }, settings, tok, report)
    if (!p) return
    stats.addRecord(p.fullTokens, p.characters, p.contentTokens)
    stats.addSamples(i === records.length - 1 ? 'validation' : 'train', p)
  })
  return {
    stats: stats.finish({ tokenizer: 'gpt2', batchSize: 2, gradientAccumulation: 2 }),
    report: report.report
  }
}

describe('statistics', () => {
  it('measures how GPT-2 fragments Chinese: 2.09 tokens per character, against 0.20 for English', () => {
    expect([chinese.length, tok.encode(chinese).length]).toEqual([82, 171])
    expect([english.length, tok.encode(english).length]).toEqual([261, 53])
    const zh = statsOf([{ kind: 'text', text: chinese }], { ...base, maxLength: 1024 }).stats
    expect(zh.tokensPerCharacter).toBeCloseTo(171 / 82, 10)
    expect(zh.fragmentationWarning).toBe(
      'The gpt2 tokenizer needs 2.09 tokens per character of this text (English prose takes about 0.25). Text it has no ' +
        'vocabulary for, usually Chinese, is cut into byte pieces: a 1024-token sample holds only about 491 characters and ' +
        'the model learns the language poorly. A model whose vocabulary covers the language will do much better.'
    )
    const en = statsOf([{ kind: 'text', text: english }], { ...base, maxLength: 1024 }).stats
    expect(en.tokensPerCharacter).toBeCloseTo(53 / 261, 10)
    expect(en.fragmentationWarning).toBeNull()
  })

  it('counts records, tokens, trained tokens, truncation and steps on a small dataset of known size', () => {
    // 18, 14 and 6 tokens with 5, 2 and 2 trained (see templates.test.ts for the ids); max length 16.
    const records: NormalizedRecord[] = [
      { kind: 'instruction', instruction: 'Explain CWE-121.', input: '', output: 'A stack overflow.' },
      { kind: 'instruction', instruction: 'Review', input: 'int x;', output: 'OK' },
      { kind: 'text', text: 'Hello world, again' }
    ]
    const { stats, report } = statsOf(records, base)
    expect(tok.encode('Hello world, again')).toHaveLength(4)
    expect(stats).toMatchObject({
      records: 3,
      samples: 3,
      trainSamples: 2,
      validationSamples: 1,
      totalTokens: 16 + 14 + 5,
      trainedTokens: 3 + 2 + 5,
      maxSampleLength: 16,
      truncatedShare: 1 / 3,
      stepsPerEpoch: 1
    })
    // The samples that train: 16 (the 18-token record cut), 14 and 5 tokens; no bar above the max length.
    expect(stats.histogram.map((b) => b.count)).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
    expect(stats.histogram[15]).toEqual({ from: 15, to: 17, count: 1 })
    expect(stats.histogram.some((b) => b.to === null)).toBe(false)
    expect(report.truncated).toBe(1)
    expect(report.problems.map((p) => p.message)).toEqual([
      'f.jsonl line 1: sample truncated from 18 to 16 tokens'
    ])
  })

  it('counts packed blocks per split from the tokens, not per record', () => {
    const docs: NormalizedRecord[] = Array.from({ length: 5 }, () => ({ kind: 'text', text: english }))
    const { stats } = statsOf(docs, { ...base, maxLength: 32, textMode: 'pack' })
    expect([stats.trainSamples, stats.validationSamples, stats.totalTokens]).toEqual([
      Math.ceil((54 * 4) / 32),
      2,
      54 * 5
    ])
    expect(stats.truncatedShare).toBe(0)
    expect(stats.stepsPerEpoch).toBe(Math.ceil(7 / 4))
  })

  it('plots the packed blocks that train, not the records before packing (every record over the max length)', () => {
    // 5 records of 54 tokens at max length 32: records are all longer than 32, the blocks are not.
    // Train: 216 tokens = 6 full blocks + one of 24; validation: 54 = 1 full + one of 22.
    const docs: NormalizedRecord[] = Array.from({ length: 5 }, () => ({ kind: 'text', text: english }))
    const { stats } = statsOf(docs, { ...base, maxLength: 32, textMode: 'pack' })
    const counted = stats.histogram.filter((b) => b.count > 0).map((b) => [b.from, b.to, b.count])
    expect(counted).toEqual([
      [22, 24, 1],
      [24, 26, 1],
      [30, 33, 7]
    ])
    const plotted = stats.histogram.reduce((n, b) => n + b.count, 0)
    expect(plotted).toBe(stats.samples)
    expect(stats.maxSampleLength).toBe(32)
  })

  it('plots each window of a record split with overlap', () => {
    // 54 tokens, windows of 32 overlapping 8: starts 0 and 24, so 32 and 30 tokens.
    const { stats } = statsOf(
      [
        { kind: 'text', text: english },
        { kind: 'text', text: english }
      ],
      {
        ...base,
        maxLength: 32,
        overlap: 8,
        textMode: 'split'
      }
    )
    expect(stats.histogram.filter((b) => b.count > 0).map((b) => [b.from, b.count])).toEqual([[30, 4]])
    expect(stats.samples).toBe(4)
  })
})
