// Streaming with the real GPT-2 tokenizer: Chinese and emoji split across byte-level tokens must reach the
// stream as whole characters only, and a Chinese stop sequence must cut the text where it starts.
import { beforeAll, describe, expect, it } from 'vitest'
import { generate } from '../../../src/engine/generation/generate'
import { DEFAULT_GENERATION_OPTIONS } from '../../../src/engine/generation/generation-options'
import { BpeTokenizer } from '../../../src/engine/tokenizer/bpe-tokenizer'
import { ScriptedLm } from './fake-causal-lm'
import { requireFixture, tokenizerDir } from './fixtures-dir'

requireFixture(tokenizerDir)
const text = '逆向工程笔记：漏洞报告 🔐 done'

describe('generate streams whole characters from GPT-2 byte-level tokens', () => {
  let tokenizer: BpeTokenizer
  let ids: number[]

  beforeAll(async () => {
    tokenizer = await BpeTokenizer.fromFolder(tokenizerDir)
    ids = tokenizer.encode(text)
  })

  const run = async (stopSequences: string[]) => {
    const model = new ScriptedLm([...ids, tokenizer.eosTokenId], tokenizer.vocabSize)
    const deltas: string[] = []
    const result = await generate(
      model,
      [tokenizer.eosTokenId],
      { ...DEFAULT_GENERATION_OPTIONS, doSample: false, maxNewTokens: 100, stopSequences },
      { decodeBytes: (batch) => tokenizer.decodeBytes(batch), onToken: (_id, delta) => deltas.push(delta) }
    )
    return { result, deltas }
  }

  it('splits characters across tokens in this text (so the test means something)', () => {
    const lone = ids.filter((id) => tokenizer.decode([id]).includes('\uFFFD'))
    expect(lone.length).toBeGreaterThan(3)
  })

  it('never streams U+FFFD, and the pieces add up to the text', async () => {
    const { result, deltas } = await run([])
    expect(deltas.some((d) => d.includes('\uFFFD'))).toBe(false)
    expect(deltas.join('')).toBe(text)
    expect(result).toMatchObject({ text, finishReason: 'eos', ids: [...ids, tokenizer.eosTokenId] })
    expect(deltas.filter((d) => d === '').length).toBeGreaterThan(0)
  })

  it('cuts at a Chinese stop sequence and streams nothing of it', async () => {
    const { result, deltas } = await run(['报告'])
    expect(result).toMatchObject({ text: '逆向工程笔记：漏洞', finishReason: 'stop' })
    expect(deltas.join('')).toBe('逆向工程笔记：漏洞')
  })
})
