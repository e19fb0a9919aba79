// tools/pytorch/peft_ref.py check-adapter on Llama-family adapters: the one a tiny qwen2 run saves (LoRA on
// attention with grouped-query k/v and on the MLP) passes as PEFT would load it, and a broken copy (a k_proj
// lora_B with q's width, a layer the base lacks, a module missing from target_modules, a target no tensor
// holds, a lone lora_A, fan_in_fan_out true) is reported problem by problem. Needs Python's torch.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSafetensors, writeSafetensors } from '../../../src/engine/formats/safetensors'
import type { TensorToWrite } from '../../../src/engine/formats/safetensors'
import { fixturesDir, requireFixture, torchToolsDir } from '../engine/fixtures-dir'
import { useBackend } from '../engine/gpt2-reference'
import { trainTiny, writeRandomRecords } from './tiny-runs'
import { torchPython } from './torch-python'

const work = mkdtempSync(join(tmpdir(), 'peft-check-llama-'))
const trainFile = join(work, 'train.jsonl')
const baseDir = requireFixture(join(fixturesDir, 'qwen2-tiny', 'model'))
const tool = requireFixture(resolve(torchToolsDir, 'peft_ref.py'))
let adapterDir = ''

afterAll(() => rmSync(work, { recursive: true, force: true }))

/** peft_ref.py check-adapter DIR --base qwen2-tiny: its exit code and its lines. */
function check(dir: string): { code: number; lines: string[] } {
  const run = (): { code: number; out: string } => {
    try {
      return {
        code: 0,
        out: execFileSync(torchPython!, [tool, 'check-adapter', dir, '--base', baseDir], { encoding: 'utf8' })
      }
    } catch (err) {
      const e = err as { status: number; stdout: string }
      return { code: e.status, out: e.stdout }
    }
  }
  const { code, out } = run()
  return { code, lines: out.trim().split('\n') }
}

const key = (layer: number, module: string, which: 'A' | 'B') =>
  `base_model.model.model.layers.${layer}.${module}.lora_${which}.weight`

// Needs Python's torch: listed in test/skip-allowlist.json, so the test command accepts its skip.
describe.skipIf(!torchPython)('peft_ref.py check-adapter on a tiny qwen2 run', () => {
  beforeAll(async () => {
    await useBackend('cpu')
    writeRandomRecords(trainFile, { seed: 2, count: 6, minLength: 6, spread: 10, promptLength: 2 })
    const run = await trainTiny(trainFile, join(work, 'run'), 1, {
      baseModel: baseDir,
      batchSize: 2,
      gradientAccumulation: 1,
      maxSteps: 2,
      workers: 1,
      lora: {
        r: 4,
        alpha: 8,
        dropout: 0,
        targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'down_proj']
      }
    })
    adapterDir = run.adapterPath
  })

  it('finds no problem in the adapter the run saved', () => {
    expect(check(adapterDir)).toEqual({ code: 0, lines: ['0 problems in 24 tensors'] })
  })

  it('reports each way a broken copy does not fit PEFT or the base model', async () => {
    const broken = join(work, 'broken')
    cpSync(adapterDir, broken, { recursive: true })
    const weightsFile = join(broken, 'adapter_model.safetensors')
    const { tensors, metadata } = await readSafetensors(weightsFile)
    const out: Record<string, TensorToWrite> = {}
    for (const [name, t] of tensors) out[name] = { dtype: 'F32', shape: t.shape, data: t.data }
    // k_proj's output is 2 key/value heads × 16 = 32 wide, not q's 4 × 16 = 64.
    out[key(0, 'self_attn.k_proj', 'B')] = { dtype: 'F32', shape: [64, 4], data: new Float32Array(256) }
    // qwen2-tiny has layers 0 and 1.
    out[key(2, 'self_attn.q_proj', 'A')] = out[key(1, 'self_attn.q_proj', 'A')]
    out[key(2, 'self_attn.q_proj', 'B')] = out[key(1, 'self_attn.q_proj', 'B')]
    delete out[key(1, 'mlp.down_proj', 'B')]
    await writeSafetensors(weightsFile, out, metadata ?? undefined)
    const configFile = join(broken, 'adapter_config.json')
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>
    writeFileSync(
      configFile,
      JSON.stringify({
        ...config,
        fan_in_fan_out: true,
        target_modules: ['q_proj', 'k_proj', 'o_proj', 'gate_proj', 'down_proj', 'up_proj']
      })
    )

    const { code, lines } = check(broken)
    expect(code).toBe(1)
    expect([...lines].sort()).toEqual(
      [
        'adapter_config.json fan_in_fan_out = True, PEFT writes False',
        `${key(0, 'self_attn.k_proj', 'B')} shape [64, 4] does not fit the base model: model.layers.0.self_attn.k_proj wants [32, 4]`,
        `${key(2, 'self_attn.q_proj', 'A')}: layer 2 is past the base model's 2 layers`,
        `${key(2, 'self_attn.q_proj', 'B')}: layer 2 is past the base model's 2 layers`,
        ...[0, 1].flatMap((layer) =>
          (['A', 'B'] as const).map(
            (which) =>
              `${key(layer, 'self_attn.v_proj', which)}: model.layers.${layer}.self_attn.v_proj is not in target_modules ` +
              "['q_proj', 'k_proj', 'o_proj', 'gate_proj', 'down_proj', 'up_proj']"
          )
        ),
        'model.layers.1.mlp.down_proj has lora_A but not lora_B',
        'target_modules names up_proj, which no tensor of the adapter holds',
        '10 problems in 25 tensors'
      ].sort()
    )
  })
})
