// A PEFT adapter exported for a Qwen3 model (keys base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight)
// gives PyTorch's loss when applied as PEFT applies it: tools/pytorch/peft_ref.py runs ref_llama.py's
// transformers-style forward pass on the same folder and ids. Needs Python's torch (skip allowlisted).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDecoderFolder } from '../../../src/engine/formats/decoder-folder'
import { createDecoderModel } from '../../../src/engine/model/create-decoder'
import type { LoraSettingsConfig } from '../../../src/shared/runs'
import { requireFixture, torchToolsDir } from '../engine/fixtures-dir'
import { backendsUnderTest, useBackend } from '../engine/gpt2-reference'
import { writeRandomAdapter, writeTinyQwen3 } from '../engine/tiny-qwen3'
import { peftLoss } from './peft-loss'
import { torchPython } from './torch-python'

const work = mkdtempSync(join(tmpdir(), 'llama-adapter-torch-'))
const modelDir = join(work, 'qwen3')
const adapterDir = join(work, 'adapter')
const idsFile = join(work, 'ids.json')
const tool = requireFixture(resolve(torchToolsDir, 'peft_ref.py'))
const settings: LoraSettingsConfig = {
  r: 4,
  alpha: 8,
  dropout: 0,
  targetModules: ['q_proj', 'v_proj', 'o_proj', 'down_proj'],
  rsLora: false
}
/** English and Chinese ids of Qwen3's vocabulary, and its <|im_start|>. */
const ids = Int32Array.from([151644, 872, 198, 108386, 3837, 1207, 16948, 18, 0, 151645, 198, 151644, 77091])

beforeAll(async () => {
  await writeTinyQwen3(modelDir, 13)
  await writeRandomAdapter(modelDir, adapterDir, settings, 9)
  writeFileSync(idsFile, JSON.stringify([...ids]))
})

afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Our mean next-token loss on `ids` with the adapter read back from its PEFT folder (or none). */
function ourLoss(withAdapter: boolean): Promise<number> {
  return peftLoss(modelDir, withAdapter ? adapterDir : null, [{ input_ids: [...ids] }])
}

let torchLoss: Promise<number> | null = null

/** PyTorch's loss with the exported adapter (peft_ref.py), computed once for every backend. */
function pytorchLoss(): Promise<number> {
  torchLoss ??= Promise.resolve().then(() => {
    const out = execFileSync(
      torchPython!,
      [tool, 'loss', modelDir, '--ids', idsFile, '--adapter', adapterDir],
      { encoding: 'utf8' }
    )
    return (JSON.parse(out) as { loss: number }).loss
  })
  return torchLoss
}

describe.each(backendsUnderTest)('a Qwen3 PEFT adapter on %s', (backend) => {
  beforeAll(() => useBackend(backend))

  // Qwen's 151,936 ids make 22 LM-head blocks: more inputs than WebGPU's addN could bind (it gave 0.03).
  it('the blocked loss equals the mean of logsumexp − target logit over the full logits', async () => {
    const { config, weights } = await loadDecoderFolder(modelDir)
    const model = createDecoderModel(config, weights, null)
    const direct = tf.tidy(() => {
      const hidden = model.hiddenStates({ inputIds: ids, batch: 1, seqLen: ids.length }, { train: false })
      const logits = tf.slice(model.logits(hidden), [0, 0], [ids.length - 1, -1])
      const targets = tf.oneHot(tf.tensor1d(ids.slice(1), 'int32'), logits.shape[1])
      return tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, targets), 1)))
    })
    const expected = (await direct.data())[0]
    direct.dispose()
    model.dispose()
    expect(Math.abs((await ourLoss(false)) - expected)).toBeLessThan(1e-4)
  })

  // Needs Python's torch: listed in test/skip-allowlist.json, so the test command accepts its skip.
  it.skipIf(!torchPython)('PyTorch (peft_ref.py) gives the same loss with the exported adapter', async () => {
    const [torch, ours, base] = [await pytorchLoss(), await ourLoss(true), await ourLoss(false)]
    expect(Math.abs(ours - base)).toBeGreaterThan(1e-2)
    expect(Math.abs(ours - torch)).toBeLessThan(1e-4)
  })
})
