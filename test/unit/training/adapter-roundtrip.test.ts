// Round trips of the export formats on the fixture model, on every backend under test (cpu, wasm, webgpu
// unless LORA_STUDIO_TEST_BACKENDS says otherwise): export → import gives identical
// logits; the merged HF folder's logits equal base + adapter; and, where PyTorch is installed,
// the exported adapter gives PyTorch's loss when applied as PEFT applies it (tools/pytorch/peft_ref.py, which
// also refuses keys or shapes outside PEFT's layout).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadHfModelFolder } from '../../../src/engine/formats/hf-model-folder'
import type { LoraWeightArrays } from '../../../src/engine/model/lora'
import { writeMergedModel } from '../../../src/engine/training/merged-export'
import { readPeftAdapter, writePeftAdapter } from '../../../src/engine/training/peft-adapter'
import { requireFixture, tinyModelDir, torchToolsDir } from '../engine/fixtures-dir'
import { backendsUnderTest, useBackend } from '../engine/gpt2-reference'
import { modelOutputs } from './model-outputs'
import { torchPython } from './torch-python'
import { referenceInitLora } from './tiny-runs'

const work = mkdtempSync(join(tmpdir(), 'adapter-roundtrip-'))
const modelDir = join(tinyModelDir, 'model')
const settings = { r: 4, alpha: 8, dropout: 0, targetModules: ['attn.c_attn', 'attn.c_proj'], rsLora: false }
requireFixture(tinyModelDir)
const ids = Int32Array.from([5, 17, 301, 42, 999, 7, 123, 64, 2, 88, 450, 11])
const tool = requireFixture(resolve(torchToolsDir, 'peft_ref.py'))

afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Our logits and loss for the folder on `ids`, with the fixture's LoRA settings and these weights or none. */
function logitsOf(dir: string, weights: Map<string, LoraWeightArrays> | null) {
  return modelOutputs(dir, ids, weights ? { settings, modules: weights } : null)
}

let torchLoss: Promise<number> | null = null

/** PyTorch's loss with the exported init adapter (peft_ref.py), computed once for every backend. */
function pytorchLoss(): Promise<number> {
  torchLoss ??= (async () => {
    const weights = await referenceInitLora()
    const dir = join(work, 'adapter-torch')
    await writePeftAdapter(dir, { settings, modules: weights, baseModel: modelDir })
    const idsFile = join(work, 'ids.json')
    writeFileSync(idsFile, JSON.stringify([...ids]))
    const out = execFileSync(torchPython!, [tool, 'loss', modelDir, '--ids', idsFile, '--adapter', dir], {
      encoding: 'utf8'
    })
    return (JSON.parse(out) as { loss: number }).loss
  })()
  return torchLoss
}

describe.each(backendsUnderTest)('adapter round trips on %s', (backend) => {
  beforeAll(() => useBackend(backend))

  it('export → import gives identical logits', async () => {
    const weights = await referenceInitLora()
    const dir = join(work, `adapter-${backend}`)
    await writePeftAdapter(dir, { settings, modules: weights, baseModel: modelDir })
    const back = await readPeftAdapter(dir, (await loadHfModelFolder(modelDir)).config)
    const a = await logitsOf(modelDir, weights)
    const b = await logitsOf(modelDir, back.modules)
    expect(b.logits).toEqual(a.logits)
  })

  it('merged model logits equal base + adapter logits', async () => {
    const weights = await referenceInitLora()
    const merged = join(work, `merged-${backend}`)
    await writeMergedModel(merged, await loadHfModelFolder(modelDir), {
      settings,
      modules: weights,
      baseModel: modelDir
    })
    const withAdapter = await logitsOf(modelDir, weights)
    const base = await logitsOf(modelDir, null)
    const fromMerged = await logitsOf(merged, null)
    let maxDiff = 0
    let adapterEffect = 0
    for (let i = 0; i < withAdapter.logits.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(fromMerged.logits[i] - withAdapter.logits[i]))
      adapterEffect = Math.max(adapterEffect, Math.abs(base.logits[i] - withAdapter.logits[i]))
    }
    expect(adapterEffect).toBeGreaterThan(1e-2)
    expect(maxDiff).toBeLessThan(1e-4)
  })

  // Needs Python's torch: listed in test/skip-allowlist.json, so the test command accepts its skip.
  it.skipIf(!torchPython)('PyTorch (peft_ref.py) gives the same loss with the exported adapter', async () => {
    const torch = await pytorchLoss()
    const ours = await logitsOf(modelDir, await referenceInitLora())
    expect(Math.abs(ours.loss - torch)).toBeLessThan(1e-4)
  })
})
