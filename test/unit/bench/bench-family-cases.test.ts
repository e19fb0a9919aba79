// The bench's Llama/Qwen cases: their configs are the real models' (transformers' parameter counts), their
// LoRA is the family preset's, their random weights load and run through the engine's decoder loader at the
// families' particulars, and PyTorch's anchor is asked for the same model and LoRA. No timing is asserted.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { findCase } from '../../../bench/cases'
import type { TrainCase } from '../../../bench/cases'
import { trainStepFlops } from '../../../bench/flops'
import { randomDecoderWeights } from '../../../bench/random-weights'
import { torchArgs } from '../../../bench/torch-reference'
import { wasmHeapRefusal } from '../../../bench/wasm-heap'
import { countDecoderParameters } from '../../../src/engine/formats/decoder-weights'
import type { LlamaConfig } from '../../../src/engine/formats/llama-config'
import { parseLlamaConfig } from '../../../src/engine/formats/llama-config'
import { Rng } from '../../../src/engine/generation/rng'
import { createDecoderModel } from '../../../src/engine/model/create-decoder'
import { LoraAdapter, trainableParamsLine } from '../../../src/engine/model/lora'
import { fixturesDir } from '../engine/fixtures-dir'
import { useBackend } from '../engine/gpt2-reference'

function trainCase(name: string): TrainCase & { config: LlamaConfig } {
  const c = findCase(name)
  if (c.kind !== 'train' || c.config.modelType === 'gpt2')
    throw new Error(`${name}: a Llama-family training case`)
  return c as TrainCase & { config: LlamaConfig }
}

const CASES = [
  ['train-qwen2.5-0.5b-seq256', 'qwen2.5-0.5b', 494_032_768, '2,162,688'],
  ['train-smollm2-135m-seq256', 'smollm2-135m', 134_515_008, '1,843,200']
] as const

describe('Llama/Qwen bench cases', () => {
  it.each(CASES)('%s is %s config.json with transformers’ %d parameters', async (name, file, count, lora) => {
    const c = trainCase(name)
    const json: unknown = JSON.parse(
      await readFile(join(fixturesDir, 'model-configs', `${file}.json`), 'utf8')
    )
    expect(c.config).toEqual(parseLlamaConfig(json, `${file}.json`))
    expect(countDecoderParameters(c.config)).toBe(count)
    expect([c.batch, c.seqLen, c.lora.r, c.lora.alpha]).toEqual([2, 256, 16, 32])
    expect(c.lora.targetModules).toEqual(['q_proj', 'k_proj', 'v_proj', 'o_proj'])
    // PEFT's print_trainable_parameters() for these models with LoRA r16 on q/k/v/o.
    expect(trainableParamsLine(c.config, c.lora)).toContain(`trainable params: ${lora} ||`)
  })

  it.each(CASES)('%s: random weights of its family load through the decoder loader and run', async (name) => {
    const c = trainCase(name)
    // The case's own config with 2 layers and a small vocabulary: GQA, head width, biases and tying kept.
    const config: LlamaConfig = { ...c.config, numHiddenLayers: 2, vocabSize: 300 }
    const weights = randomDecoderWeights(config, 1)
    expect([...weights.values()].reduce((n, w) => n + w.data.length, 0)).toBe(countDecoderParameters(config))
    expect(weights.has('model.layers.1.self_attn.q_proj.bias')).toBe(config.modelType === 'qwen2')
    expect(Array.from(weights.get('model.layers.0.post_attention_layernorm.weight')!.data)).toEqual(
      new Array(config.hiddenSize).fill(1)
    )
    const q = weights.get('model.layers.0.self_attn.q_proj.weight')!.data
    const std = Math.sqrt(q.reduce((s, v) => s + v * v, 0) / q.length)
    expect(std / config.initializerRange).toBeCloseTo(1, 1)
    await useBackend('cpu')
    const lora = LoraAdapter.create(config, c.lora, new Rng(2))
    expect([...lora.modules.keys()].slice(0, 4)).toEqual(
      ['q', 'k', 'v', 'o'].map((p) => `model.layers.0.self_attn.${p}_proj`)
    )
    const model = createDecoderModel(config, weights, lora)
    const logits = tf.tidy(() =>
      model.logits(
        model.hiddenStates({ inputIds: Int32Array.from([1, 2, 299]), batch: 1, seqLen: 3 }, { train: false })
      )
    )
    expect(logits.shape).toEqual([3, 300])
    expect((await logits.data()).every(Number.isFinite)).toBe(true)
    tf.dispose(logits)
    model.dispose()
    lora.dispose()
  })

  it('counts a SmolLM2 step: q/k/v/o and SwiGLU linears, attention over 9 × 64, the tied head', () => {
    const c = trainCase('train-smollm2-135m-seq256')
    const n = 512
    const block = 576 * 576 * 2 + 2 * 576 * 192 + 3 * 576 * 1536
    const fLin = 2 * n * 30 * block
    const fAtt = 4 * 30 * 256 * 256 * 576 * 2
    const fHead = 2 * 510 * 576 * 49152
    const fLora = 2 * n * 1_843_200
    expect(trainStepFlops(c.config, c.lora, 2, 256)).toBe(2 * fLin + 3 * fAtt + 2 * fHead + 3 * fLora)
  })

  it('asks PyTorch for the same model and LoRA: qwen2 with GQA and q/k/v/o targets', () => {
    const args = torchArgs(trainCase('train-qwen2.5-0.5b-seq256'), 3, 'cpu')
    const flag = (name: string) => args[args.indexOf(name) + 1]
    expect(
      ['--arch', '--layers', '--embd', '--heads', '--kv-heads', '--head-dim', '--inter'].map(flag)
    ).toEqual(['qwen2', '24', '896', '14', '2', '64', '4864'])
    expect(['--vocab', '--theta', '--r', '--alpha', '--batch', '--seq'].map(flag)).toEqual([
      '151936',
      '1000000',
      '16',
      '32',
      '2',
      '256'
    ])
    expect(flag('--targets')).toBe('self_attn.q_proj,self_attn.k_proj,self_attn.v_proj,self_attn.o_proj')
    expect(args).not.toContain('--untied')
    const gpt2 = torchArgs(findCase('train-gpt2-small-seq256') as TrainCase, 3, 'cpu')
    expect(gpt2).not.toContain('--arch')
    expect(gpt2[gpt2.indexOf('--targets') + 1]).toBe('attn.c_attn,attn.c_proj')
  })
})

describe("the bench's wasm heap check", () => {
  it('refuses Qwen2.5-0.5B on wasm with the estimate, even recomputed, and lets the recomputed SmolLM2 run', () => {
    const qwen = trainCase('train-qwen2.5-0.5b-seq256')
    const why = wasmHeapRefusal(qwen, { recomputeBlocks: true, rows: 2 })
    expect(why).toMatch(
      /^train-qwen2\.5-0\.5b-seq256 does not fit wasm's 4\.00 GiB heap even with blocks recomputed: the engine estimates \d+\.\d\d GiB .*--backend webgpu/
    )
    expect(wasmHeapRefusal(qwen, { recomputeBlocks: false, rows: 2 })).toMatch(
      /GiB of wasm heap for its training thread \(\d+\.\d\d GiB with blocks recomputed\); run it with --backend webgpu/
    )
    const smol = trainCase('train-smollm2-135m-seq256')
    expect(smol.recomputeBlocks).toBe(true)
    expect(wasmHeapRefusal(smol, { recomputeBlocks: true, rows: 2 })).toBeNull()
    const gpt2 = findCase('train-gpt2-small-seq1024') as TrainCase
    expect(wasmHeapRefusal(gpt2, { recomputeBlocks: false, rows: 1 })).toContain(
      'run it with --recompute-blocks ('
    )
    expect(wasmHeapRefusal(gpt2, { recomputeBlocks: true, rows: 1 })).toBeNull()
  })
})
