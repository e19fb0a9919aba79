// The perplexity job on a Llama-family folder (qwen3-tiny): the same model_type dispatch the job uses for
// GPT-2, and the mean next-token loss equal to the one PyTorch's base logits give for the same ids.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { perplexity } from '../../../src/engine/jobs/perplexity-job'
import { fixturesDir, requireFixture } from './fixtures-dir'
import { floats, loadReferenceTensors } from './gpt2-reference'

const folder = requireFixture(join(fixturesDir, 'qwen3-tiny'))
const work = mkdtempSync(join(tmpdir(), 'llama-perplexity-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Mean of logsumexp(logits[b, t]) − logits[b, t, ids[b, t + 1]] over every row and position. */
function meanNextTokenLoss(
  logits: Float32Array,
  ids: Int32Array,
  batch: number,
  seq: number,
  vocab: number
): number {
  let sum = 0
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t + 1 < seq; t++) {
      const row = logits.subarray((b * seq + t) * vocab, (b * seq + t + 1) * vocab)
      const max = Math.max(...row)
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0))
      sum += lse - row[ids[b * seq + t + 1]]
    }
  }
  return sum / (batch * (seq - 1))
}

describe('the perplexity job on a Llama-family model', () => {
  it("scores qwen3-tiny's reference ids with PyTorch's base loss", async () => {
    process.env.LORA_STUDIO_BACKEND = 'wasm'
    const ref = await loadReferenceTensors(folder)
    const samplesFile = join(work, 'samples.jsonl')
    const rows = Array.from({ length: ref.batch }, (_, b) =>
      Array.from(ref.inputIds.subarray(b * ref.seqLen, (b + 1) * ref.seqLen))
    )
    writeFileSync(samplesFile, rows.map((ids) => JSON.stringify({ input_ids: ids })).join('\n') + '\n')
    const out = await perplexity(
      {
        modelPath: join(folder, 'model'),
        adapterPaths: [null],
        samplesFile,
        maxLength: null,
        stride: null,
        batchSize: null
      },
      { id: 1, signal: new AbortController().signal, emit: () => undefined }
    )
    const expected = meanNextTokenLoss(floats(ref, 'base_logits'), ref.inputIds, ref.batch, ref.seqLen, 1000)
    expect(out.results[0].tokens).toBe(ref.batch * (ref.seqLen - 1))
    expect(Math.abs(out.results[0].loss - expected)).toBeLessThan(1e-4)
    expect(out.results[0].perplexity).toBeCloseTo(Math.exp(expected), 2)
  })
})
