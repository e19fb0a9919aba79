// The PyTorch anchor of the generate cases does our work: tools/pytorch/torch_generate_bench.py, given
// generate-tiny's random weights (the bench's own) and a LoRA adapter written to one folder, decodes the
// same greedy ids as our engine reading that folder, and its summary line parses with the prefill.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkoutLayout } from '../../../bench/bench-layout'
import { findCase } from '../../../bench/cases'
import type { GenerateCase } from '../../../bench/cases'
import { randomDecoderWeights, randomTokenIds } from '../../../bench/random-weights'
import { parseTorchLine } from '../../../bench/torch-reference'
import { toHfConfigJson } from '../../../src/engine/formats/hf-config'
import { loadHfModelFolder } from '../../../src/engine/formats/hf-model-folder'
import { writeSafetensors } from '../../../src/engine/formats/safetensors'
import type { TensorToWrite } from '../../../src/engine/formats/safetensors'
import { generate } from '../../../src/engine/generation/generate'
import { DEFAULT_GENERATION_OPTIONS } from '../../../src/engine/generation/generation-options'
import { Rng } from '../../../src/engine/generation/rng'
import { DecoderCausalLm } from '../../../src/engine/model/decoder-session'
import { Gpt2Model } from '../../../src/engine/model/gpt2-model'
import { LoraAdapter, loraTargetModules } from '../../../src/engine/model/lora'
import type { LoraWeightArrays } from '../../../src/engine/model/lora'
import { fromLoraConfig, toLoraConfig } from '../../../src/engine/training/lora-settings'
import { readPeftAdapter, writePeftAdapter } from '../../../src/engine/training/peft-adapter'
import { backendsUnderTest, useBackend } from '../engine/gpt2-reference'
import { torchPython } from '../training/torch-python'

function generateTiny(): GenerateCase {
  const found = findCase('generate-tiny')
  if (found.kind !== 'generate') throw new Error('generate-tiny is a generate case')
  return found
}

const c = generateTiny()
const config = c.config
if (config.modelType !== 'gpt2') throw new Error('generate-tiny is a GPT-2 case')
const work = mkdtempSync(join(tmpdir(), 'bench-torch-generate-'))
const modelDir = join(work, 'model')
const adapterDir = join(work, 'adapter')
const prompt = Array.from(randomTokenIds(c.promptTokens, config.vocabSize, 5))

const BLOCK_MATRIX = /^h\.\d+\.(attn|mlp)\.c_\w+\.weight$/

/** Uniform in ±`half` from `rng`: B nonzero (unlike PEFT's init), so the adapter changes what is decoded. */
function uniform(n: number, half: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => (2 * rng.nextFloat() - 1) * half)
}

beforeAll(async () => {
  const tensors: Record<string, TensorToWrite> = {}
  for (const [key, w] of randomDecoderWeights(config, 1)) {
    // The blocks' matrices ×5 (as ref_gpt2.py draws them): with GPT-2's init spread a random model only
    // echoes its last token, and every token has the same greedy successor.
    const data = BLOCK_MATRIX.test(key) ? w.data.map((v) => 5 * v) : w.data
    tensors[key] = { dtype: 'F32', shape: w.shape, data }
  }
  mkdirSync(modelDir)
  await writeFile(join(modelDir, 'config.json'), JSON.stringify(toHfConfigJson(config)))
  await writeSafetensors(join(modelDir, 'model.safetensors'), tensors, { format: 'pt' })
  const rng = new Rng(7)
  const modules = new Map<string, LoraWeightArrays>()
  for (const m of loraTargetModules(config, c.lora)) {
    const r = c.lora.r
    modules.set(m.name, { a: uniform(r * m.inFeatures, 0.1, rng), b: uniform(m.outFeatures * r, 0.1, rng) })
  }
  await writePeftAdapter(adapterDir, { settings: fromLoraConfig(c.lora), modules, baseModel: modelDir })
  writeFileSync(join(work, 'ids.json'), JSON.stringify(prompt))
})

afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Our greedy ids from the folder, with the adapter (as the bench decodes) or without. */
async function ourGreedyIds(withAdapter: boolean): Promise<number[]> {
  const ckpt = await loadHfModelFolder(modelDir)
  const adapter = withAdapter ? await readPeftAdapter(adapterDir, ckpt.config) : null
  const lora =
    adapter === null
      ? null
      : LoraAdapter.create(ckpt.config, toLoraConfig(adapter.settings), new Rng(0), adapter.modules)
  const model = Gpt2Model.fromArrays(ckpt.config, ckpt.weights, lora)
  const options = { ...DEFAULT_GENERATION_OPTIONS, maxNewTokens: c.newTokens, doSample: false }
  const result = await generate(
    new DecoderCausalLm(model),
    prompt,
    { ...options, eosTokenId: null, stopOnEos: false },
    { decodeBytes: () => new Uint8Array(0) }
  )
  model.dispose()
  lora?.dispose()
  return result.ids
}

let torchOut: { ids: number[]; summary: string } | null = null

/** torch_generate_bench.py on the folder, once for every backend: its greedy ids and summary line. */
function torchGreedy(): { ids: number[]; summary: string } {
  if (torchOut !== null) return torchOut
  const script = checkoutLayout.torchScript('torch_generate_bench.py')
  const args = ['--model', modelDir, '--adapter', adapterDir, '--ids', join(work, 'ids.json')]
  const out = execFileSync(torchPython!, [script, ...args, '--new', String(c.newTokens)], {
    encoding: 'utf8'
  })
  const lines = out.trim().split('\n')
  torchOut = { ids: (JSON.parse(lines[0]) as { ids: number[] }).ids, summary: lines[lines.length - 1] }
  return torchOut
}

describe.each(backendsUnderTest)('PyTorch greedy decoding of generate-tiny (%s)', (backend) => {
  beforeAll(() => useBackend(backend))

  it.skipIf(!torchPython)(
    'torch_generate_bench.py decodes the same greedy ids as our engine, LoRA included',
    async () => {
      const torch = torchGreedy()
      const ours = await ourGreedyIds(true)
      expect(ours).toHaveLength(c.newTokens)
      expect(torch.ids).toEqual(ours)
      // Not a degenerate run: the ids vary, and the adapter changes them (so it is part of the work).
      expect(new Set(ours).size).toBeGreaterThan(3)
      expect(await ourGreedyIds(false)).not.toEqual(ours)
      const parsed = parseTorchLine(torch.summary)
      expect(torch.summary).toContain(
        `threads=1 layers=2 embd=64 prompt=16 new=${c.newTokens} repeats=1 lora=4`
      )
      expect(parsed?.prefillS).toBeGreaterThan(0)
      expect(parsed?.fastestTokensPerS).toBeGreaterThan(0)
    }
  )
})
