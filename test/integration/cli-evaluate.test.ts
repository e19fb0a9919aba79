// `lora-studio perplexity`, `tokenize` and `train --model NAME` over a real data folder (in-process
// verbs, a real engine process): perplexity equals PyTorch's figures for the same ids, base and adapter;
// a text file and a dataset's validation split are scored; tokenize gives GPT-2's ids with readable
// pieces for Chinese; a registered model's name works wherever a model folder does.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRandomGpt2Folder } from '../../src/engine/model-factory'
import { createEvaluationsRepository } from '../../src/main/store/evaluations-repository'
import { openStore } from '../../src/main/store/store'
import { requireFixture, tinyModelDir, tokenizerDir } from '../unit/engine/fixtures-dir'
import { cliInProcess } from './cli-harness'

const root = mkdtempSync(join(tmpdir(), 'lora-cli-evaluate-'))
const dataDir = join(root, 'data')
const demoDir = join(root, 'demo-model')
const perplexityFixtures = resolve(import.meta.dirname, '../fixtures/perplexity')
requireFixture(tinyModelDir)
requireFixture(tokenizerDir)

const cli = (...args: string[]) => cliInProcess(dataDir, args)

beforeAll(async () => {
  process.env.LORA_STUDIO_BACKEND = 'wasm'
  await createRandomGpt2Folder(demoDir, { nLayer: 1, nEmbd: 16, nHead: 2, nPositions: 64, seed: 9 })
  const imported = await cli('import', demoDir, '--name', 'tiny-eval', '--json')
  expect(imported.code, imported.err).toBe(0)
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('lora-studio train --model NAME', () => {
  const trainFile = join(root, 'train.jsonl')
  /** `train` of the registered model by its name, on the records the first test writes. */
  const trainByName = ['train', '--model', 'tiny-eval', '--data', trainFile]

  it("trains a registered model by its name, on the model's folder", async () => {
    const line = JSON.stringify({ input_ids: Array.from({ length: 12 }, (_, i) => 100 + i) })
    writeFileSync(trainFile, `${line}\n${line}\n`)
    const r = await cli(...trainByName, '--max-steps', '1', '--max-length', '16', '--json')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const summary = JSON.parse(r.out.split('\n').at(-1) as string) as { id: number; status: string }
    expect(summary.status).toBe('completed')
    const store = openStore(join(dataDir, 'studio.db'))
    try {
      expect(store.runs.get(summary.id)?.baseModel).toBe(join(dataDir, 'models', 'tiny-eval'))
    } finally {
      store.close()
    }
  })

  it('measures a dry run of a registered model by its name (was: "no config.json")', async () => {
    const r = await cli(...trainByName, '--max-length', '16', '--dry-run', '--json')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out)).toMatchObject({ dryRun: { totalSteps: expect.any(Number) } })
  })

  it("takes the name in a --config file's baseModel too", async () => {
    const config = join(root, 'run-config.json')
    writeFileSync(config, JSON.stringify({ baseModel: 'tiny-eval', maxLength: 16 }))
    const r = await cli('train', '--config', config, '--data', trainFile, '--dry-run', '--json')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
  })
})

interface Figures {
  loss: number
  perplexity: number
  tokens: number
}
interface PerplexityReference {
  text_ids: number[]
  samples: { input_ids: number[]; labels: number[] }[]
  cases: { name: string; max_length: number; stride: number; base: Figures; adapter: Figures }[]
}

describe('lora-studio perplexity', () => {
  const ref = JSON.parse(
    readFileSync(join(perplexityFixtures, 'reference.json'), 'utf8')
  ) as PerplexityReference
  const idsFile = join(root, 'reference-ids.jsonl')
  const modelDir = join(tinyModelDir, 'model')
  const adapterDir = join(perplexityFixtures, 'adapter')

  beforeAll(() => writeFileSync(idsFile, JSON.stringify({ input_ids: ref.text_ids }) + '\n'))

  it("gives PyTorch's sliding-window loss for the same ids, base and with the adapter", async () => {
    const c = ref.cases.find((x) => x.name === 'text-sliding') as PerplexityReference['cases'][number]
    const window = ['--max-length', String(c.max_length), '--stride', String(c.stride), '--json']
    const base = await cli('perplexity', '--model', modelDir, '--file', idsFile, ...window)
    expect(base.err).toBe('')
    const withAdapter = await cli(
      'perplexity',
      '--model',
      modelDir,
      '--adapter',
      adapterDir,
      '--file',
      idsFile,
      ...window
    )
    expect(withAdapter.err).toBe('')
    for (const [got, want] of [
      [JSON.parse(base.out) as Figures, c.base],
      [JSON.parse(withAdapter.out) as Figures, c.adapter]
    ] as const) {
      expect(got.tokens).toBe(want.tokens)
      expect(Math.abs(got.loss - want.loss)).toBeLessThan(1e-4)
      expect(got.perplexity).toBeCloseTo(want.perplexity, 1)
    }
    expect(JSON.parse(withAdapter.out)).toMatchObject({
      maxLength: 64,
      stride: 24,
      windows: 11,
      adapter: adapterDir
    })
  })

  it('scores a text file with the registered model by name, every token after the first predicted once', async () => {
    const text = join(root, 'notes.md')
    writeFileSync(
      text,
      '# Heap overflow\n\nA write past the end of a heap buffer corrupts the next chunk. '.repeat(4)
    )
    const perplexity = [
      'perplexity',
      '--model',
      'tiny-eval',
      '--file',
      text,
      '--max-length',
      '32',
      '--stride',
      '8'
    ]
    const r = await cli(...perplexity, '--json')
    expect(r.err).toBe('')
    const out = JSON.parse(r.out) as Figures & { windows: number }
    const ids = JSON.parse((await cli('tokenize', '--model', 'tiny-eval', '--file', text, '--json')).out) as {
      count: number
    }
    expect(out.tokens).toBe(ids.count - 1)
    expect(out.windows).toBe(Math.ceil((ids.count - 32) / 8) + 1)
    expect(out.perplexity).toBeCloseTo(Math.exp(out.loss), 6)
    // A random 50257-token model is close to uniform.
    expect(Math.abs(out.loss - Math.log(50257))).toBeLessThan(0.5)
    const human = await cli(...perplexity)
    expect(human.out).toBe(
      `tiny-eval on notes.md\nloss ${out.loss.toFixed(4)}  perplexity ${out.perplexity.toFixed(2)}  (${out.tokens} tokens predicted)`
    )
  })

  it("scores a dataset's validation split with its masks, and keeps the result with a run", async () => {
    const records = join(root, 'sft.jsonl')
    writeFileSync(
      records,
      Array.from({ length: 6 }, (_, i) =>
        JSON.stringify({
          instruction: `Explain CWE-${100 + i}`,
          input: '',
          output: `Weakness number ${100 + i} in detail.`
        })
      ).join('\n') + '\n'
    )
    const imported = await cli(
      'import-dataset',
      records,
      '--name',
      'sft',
      '--split',
      '0.5',
      '--max-length',
      '64',
      '--json'
    )
    expect(imported.code, imported.err).toBe(0)
    const id = (JSON.parse(imported.out) as { id: number }).id
    const r = await cli('perplexity', '--model', 'tiny-eval', '--dataset', String(id), '--run', '1', '--json')
    expect(r.err).toBe('')
    const out = JSON.parse(r.out) as Figures & { texts: number; source: string; evaluationId: number }
    expect(out).toMatchObject({ texts: 3, source: 'sft (validation)', maxLength: 64, stride: 32 })
    // Only the answers (and their end-of-text token) count: far fewer tokens than the samples hold.
    expect(out.tokens).toBeGreaterThan(3 * 5)
    expect(out.tokens).toBeLessThan(3 * 16)
    const store = openStore(join(dataDir, 'studio.db'))
    try {
      const kept = createEvaluationsRepository(store.db).listForRun(1)
      expect(kept.map((e) => [e.id, e.sourceLabel, e.rows[0].loss, e.rows[0].tokens])).toEqual([
        [out.evaluationId, 'sft', out.loss, out.tokens]
      ])
    } finally {
      store.close()
    }
  })

  it('refuses bad input naming the flag', async () => {
    const noSource = await cli('perplexity', '--model', 'tiny-eval')
    expect([noSource.code, noSource.err]).toEqual([
      1,
      'lora-studio: --file F or --dataset ID is required: what to score'
    ])
    const tooLong = await cli('perplexity', '--model', 'tiny-eval', '--file', idsFile, '--max-length', '100')
    expect(tooLong.code).toBe(1)
    expect(tooLong.err).toBe(
      "lora-studio: --max-length: max length 100 is longer than the model's context (n_positions 64); set it to 64 or less"
    )
    const gone = await cli('perplexity', '--model', 'tiny-eval', '--file', join(root, 'nowhere.txt'))
    expect(gone.err).toMatch(/^lora-studio: --file: .*nowhere\.txt does not exist; give a \.txt or \.md file/)
  })
})

describe('lora-studio tokenize', () => {
  const chinese = '你好，世界！GPT-2 对中文的支持很弱。'
  // Hugging Face's ids for GPT-2 (test/unit/engine/gpt2-tokenizer.test.ts).
  const chineseIds = [
    19526, 254, 25001, 121, 171, 120, 234, 10310, 244, 45911, 234, 171, 120, 223, 38, 11571, 12, 17, 10263,
    107, 117, 40792, 23877, 229, 21410, 162, 242, 107, 162, 234, 223, 36181, 230, 28156, 109, 16764
  ]

  it('gives GPT-2’s ids for English, one readable token each', async () => {
    const r = await cli('tokenize', '--model', tokenizerDir, '--text', 'Hello world', '--json')
    expect(JSON.parse(r.out)).toEqual({
      ids: [15496, 995],
      tokens: ['Hello', ' world'],
      count: 2,
      pieces: [
        { text: 'Hello', ids: [15496] },
        { text: ' world', ids: [995] }
      ]
    })
  })

  it('shows a Chinese character cut between tokens as bytes, and joined per character', async () => {
    const r = await cli('tokenize', '--model', tokenizerDir, '--text', chinese, '--json')
    const out = JSON.parse(r.out) as {
      ids: number[]
      tokens: string[]
      count: number
      pieces: { text: string; ids: number[] }[]
    }
    expect(out.ids).toEqual(chineseIds)
    expect(out.count).toBe(36)
    // 你 = E4 BD A0, 好 = E5 A5 BD: GPT-2 cuts each after two bytes.
    expect(out.tokens.slice(0, 4)).toEqual(['\\xE4\\xBD', '\\xA0', '\\xE5\\xA5', '\\xBD'])
    expect(out.tokens.slice(14, 18)).toEqual(['G', 'PT', '-', '2'])
    expect(out.pieces.slice(0, 2)).toEqual([
      { text: '你', ids: [19526, 254] },
      { text: '好', ids: [25001, 121] }
    ])
    expect(out.pieces.map((p) => p.text).join('')).toBe(chinese)
    expect(out.pieces.flatMap((p) => p.ids)).toEqual(chineseIds)
    const human = await cli('tokenize', '--model', tokenizerDir, '--text', '你好')
    expect(human.out).toBe(
      [
        '4 tokens, 2 characters',
        '"你"          19526 (\\xE4\\xBD) 254 (\\xA0)',
        '"好"          25001 (\\xE5\\xA5) 121 (\\xBD)'
      ].join('\n')
    )
  })

  it('takes a registered model by its name', async () => {
    const r = await cli('tokenize', '--model', 'tiny-eval', '--text', 'Hello world', '--json')
    expect((JSON.parse(r.out) as { ids: number[] }).ids).toEqual([15496, 995])
  })
})
