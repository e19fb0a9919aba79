// A merged export of a Llama, Qwen2 or Qwen3 model (test/fixtures llama-tiny: untied head, all seven
// projections; qwen2-tiny: q/k/v biases; qwen3-tiny: q_norm/k_norm, head_dim ≠ hidden/heads) is a folder in
// the model's own layout: transformers' key names with W [out, in] + scaling·B·A, every other tensor as the
// base has it (a tied head stays tied), the base's config.json, its tokenizer files. Loaded back it gives the
// logits of base + LoRA on every backend under test, and, where PyTorch is installed, PyTorch's loss on
// it equals PyTorch's loss on base + the PEFT adapter (tools/pytorch/peft_ref.py) and ours.
import { execFileSync } from 'node:child_process'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDecoderFolder } from '../../../src/engine/formats/decoder-folder'
import { readLlamaConfig } from '../../../src/engine/formats/llama-model-folder'
import { llamaWeightShapes } from '../../../src/engine/formats/llama-weights'
import {
  readSafetensors,
  readSafetensorsHeader,
  writeSafetensors
} from '../../../src/engine/formats/safetensors'
import { toLoraConfig } from '../../../src/engine/training/lora-settings'
import { writeMergedModel } from '../../../src/engine/training/merged-export'
import { writePeftAdapter, type PeftAdapter } from '../../../src/engine/training/peft-adapter'
import type { LoraSettingsConfig } from '../../../src/shared/runs'
import { fixturesDir, requireFixture, tokenizerDir, torchToolsDir } from '../engine/fixtures-dir'
import { backendsUnderTest, maxAbsDiff, randomLora, useBackend } from '../engine/gpt2-reference'
import { modelOutputs } from './model-outputs'
import { torchPython } from './torch-python'

const work = mkdtempSync(join(tmpdir(), 'merged-export-llama-'))
const tool = requireFixture(resolve(torchToolsDir, 'peft_ref.py'))
const ids = Int32Array.from([5, 17, 301, 42, 999, 7, 123, 64, 2, 88, 450, 11, 998, 640])
const idsFile = join(work, 'ids.json')

interface Case {
  fixture: 'llama-tiny' | 'qwen2-tiny' | 'qwen3-tiny'
  targets: string[]
  /** The base folder: the fixture's model/, or a copy of it stored otherwise. */
  base: string
  adapter: PeftAdapter
  adapterDir: string
  merged: string
}

const settings = (targets: string[]): LoraSettingsConfig => ({
  r: 4,
  alpha: 8,
  dropout: 0,
  targetModules: targets,
  rsLora: false
})

const cases: Case[] = (
  [
    ['llama-tiny', ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']],
    ['qwen2-tiny', ['q_proj', 'k_proj', 'v_proj', 'up_proj']],
    ['qwen3-tiny', ['q_proj', 'k_proj', 'o_proj', 'down_proj']]
  ] as const
).map(([fixture, targets]) => ({
  fixture,
  targets: [...targets],
  base: requireFixture(join(fixturesDir, fixture, 'model')),
  adapter: { settings: settings([...targets]), modules: new Map(), baseModel: fixture },
  adapterDir: join(work, `${fixture}-adapter`),
  merged: join(work, `${fixture}-merged`)
}))

/**
 * qwen2-tiny stored as Hub repos often are: BF16 in two shards with an index, tokenizer files beside, the
 * dtype named in config.json both ways (torch_dtype, and `dtype` as transformers ≥ 4.56 writes it).
 */
const sharded: Case = {
  ...cases[1],
  adapter: { ...cases[1].adapter },
  base: join(work, 'qwen2-sharded'),
  adapterDir: join(work, 'qwen2-sharded-adapter'),
  merged: join(work, 'qwen2-sharded-merged')
}
const tokenizerFiles = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']

async function writeShardedBf16(from: string, to: string): Promise<void> {
  mkdirSync(to)
  const { tensors } = await readSafetensors(join(from, 'model.safetensors'))
  const names = [...tensors.keys()].sort()
  const weightMap: Record<string, string> = {}
  for (const [i, part] of [names.slice(0, 10), names.slice(10)].entries()) {
    const file = `model-0000${i + 1}-of-00002.safetensors`
    const shard = Object.fromEntries(
      part.map((n) => {
        weightMap[n] = file
        const t = tensors.get(n)!
        return [n, { dtype: 'BF16' as const, shape: t.shape, data: t.data as Float32Array }]
      })
    )
    await writeSafetensors(join(to, file), shard, { format: 'pt' })
  }
  writeFileSync(
    join(to, 'model.safetensors.index.json'),
    JSON.stringify({ metadata: {}, weight_map: weightMap })
  )
  const config = JSON.parse(readFileSync(join(from, 'config.json'), 'utf8')) as Record<string, unknown>
  writeFileSync(
    join(to, 'config.json'),
    JSON.stringify({ ...config, torch_dtype: 'bfloat16', dtype: 'bfloat16' }, null, 2)
  )
  for (const f of tokenizerFiles) copyFileSync(join(tokenizerDir, f), join(to, f))
  writeFileSync(join(to, 'generation_config.json'), JSON.stringify({ bos_token_id: 998, eos_token_id: 999 }))
  writeFileSync(join(to, 'README.md'), '# not a model file\n')
}

beforeAll(async () => {
  writeFileSync(idsFile, JSON.stringify([...ids]))
  await writeShardedBf16(cases[1].base, sharded.base)
  for (const [i, c] of [...cases, sharded].entries()) {
    const config = await readLlamaConfig(c.base)
    // B drawn 5× wider than randomLora's: an adapter that moves the loss well beyond the tolerances.
    c.adapter.modules = new Map(
      [...randomLora(config, toLoraConfig(c.adapter.settings), 31 + i)].map(([name, { a, b }]) => [
        name,
        { a, b: b.map((v) => v * 5) }
      ])
    )
    await writePeftAdapter(c.adapterDir, c.adapter)
    await writeMergedModel(c.merged, await loadDecoderFolder(c.base), c.adapter)
  }
}, 60_000)

afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Our logits and mean next-token loss on `ids` for a model folder, with LoRA modules or none. */
const run = (dir: string, adapter: PeftAdapter | null) => modelOutputs(dir, ids, adapter)

const json = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>

describe('a merged export of a Llama-family model is in its own layout', () => {
  it.each(cases.map((c) => [c.fixture, c] as const))(
    '%s: transformers key names and shapes, F32, the base config.json with torch_dtype float32',
    async (_name, c) => {
      const config = await readLlamaConfig(c.base)
      const header = await readSafetensorsHeader(join(c.merged, 'model.safetensors'))
      const base = await readSafetensorsHeader(join(c.base, 'model.safetensors'))
      const expected = llamaWeightShapes(config)
      // Every tensor the base stores, no other: lm_head.weight only where the base has its own head.
      expect([...header.entries.keys()].sort()).toEqual([...base.entries.keys()].sort())
      expect([...header.entries.keys()].sort()).toEqual([...expected.keys()].sort())
      expect(header.entries.has('lm_head.weight')).toBe(!config.tieWordEmbeddings)
      for (const [key, entry] of header.entries) {
        expect(entry.shape, key).toEqual(expected.get(key))
        expect(entry.dtype).toBe('F32')
      }
      expect(header.metadata).toEqual({ format: 'pt' })
      expect(json(join(c.merged, 'config.json'))).toEqual({
        ...json(join(c.base, 'config.json')),
        torch_dtype: 'float32'
      })
    }
  )

  it('adds scaling·B·A to each adapted W [out, in] and leaves every other tensor as the base has it', async () => {
    const c = cases[1]
    const base = (await readSafetensors(join(c.base, 'model.safetensors'))).tensors
    const merged = (await readSafetensors(join(c.merged, 'model.safetensors'))).tensors
    const adapted = [...c.adapter.modules.keys()].map((m) => `${m}.weight`)
    for (const [key, t] of base) {
      if (!adapted.includes(key)) expect(merged.get(key)?.data, key).toEqual(t.data)
    }
    // One element by hand: layer 1's v_proj [32, 64], row 5, column 9; scaling 8 / 4 = 2.
    const { a, b } = c.adapter.modules.get('model.layers.1.self_attn.v_proj')!
    const w = base.get('model.layers.1.self_attn.v_proj.weight')!.data as Float32Array
    let delta = 0
    for (let k = 0; k < 4; k++) delta += b[5 * 4 + k] * a[k * 64 + 9]
    const got = (merged.get('model.layers.1.self_attn.v_proj.weight')!.data as Float32Array)[5 * 64 + 9]
    expect(Math.abs(delta)).toBeGreaterThan(1e-3)
    expect(got).toBeCloseTo(w[5 * 64 + 9] + 2 * delta, 6)
  })

  it('from a sharded BF16 base: one F32 model.safetensors, the tokenizer and generation files, nothing else', () => {
    expect(readdirSync(sharded.merged).sort()).toEqual(
      [
        'config.json',
        'generation_config.json',
        'lora-studio-export.json',
        'model.safetensors',
        ...tokenizerFiles
      ].sort()
    )
    for (const f of [...tokenizerFiles, 'generation_config.json']) {
      expect(readFileSync(join(sharded.merged, f)).equals(readFileSync(join(sharded.base, f))), f).toBe(true)
    }
    expect(json(join(sharded.merged, 'config.json'))).toMatchObject({
      model_type: 'qwen2',
      torch_dtype: 'float32',
      dtype: 'float32',
      rope_theta: 1000000,
      tie_word_embeddings: true
    })
  })
})

describe.each(backendsUnderTest)('a merged Llama-family export on %s', (backend) => {
  beforeAll(() => useBackend(backend))

  it.each(
    [...cases, sharded].map(
      (c) => [c.base === sharded.base ? 'qwen2-tiny sharded bf16' : c.fixture, c] as const
    )
  )('%s: the merged folder gives the logits of base + LoRA', async (_name, c) => {
    const withAdapter = await run(c.base, c.adapter)
    const base = await run(c.base, null)
    const merged = await run(c.merged, null)
    expect(maxAbsDiff(base.logits, withAdapter.logits)).toBeGreaterThan(1e-2)
    expect(maxAbsDiff(merged.logits, withAdapter.logits)).toBeLessThanOrEqual(1e-5)
  })
})

/** PyTorch's loss (peft_ref.py) on a model folder, with an adapter folder or none. */
function torchLoss(model: string, adapter?: string): number {
  const args = [tool, 'loss', model, '--ids', idsFile, ...(adapter ? ['--adapter', adapter] : [])]
  return (JSON.parse(execFileSync(torchPython!, args, { encoding: 'utf8' })) as { loss: number }).loss
}

describe('a merged Llama-family export in PyTorch', () => {
  beforeAll(() => useBackend(backendsUnderTest[0]))

  // Needs Python's torch: listed in test/skip-allowlist.json, so the test command accepts its skip.
  it.skipIf(!torchPython).each(cases.map((c) => [c.fixture, c] as const))(
    '%s: PyTorch (peft_ref.py) gives the same loss on the merged folder as on base + adapter, and as ours',
    async (_name, c) => {
      const onMerged = torchLoss(c.merged)
      const withAdapter = torchLoss(c.base, c.adapterDir)
      const ours = await run(c.merged, null)
      expect(Math.abs(torchLoss(c.base) - withAdapter)).toBeGreaterThan(1e-2)
      expect(Math.abs(onMerged - withAdapter)).toBeLessThanOrEqual(1e-4)
      expect(Math.abs(ours.loss - onMerged)).toBeLessThanOrEqual(1e-4)
    },
    60_000
  )
})
