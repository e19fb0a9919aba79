// The pre-run estimate: PEFT's trainable-parameter line digit for digit, PEFT's target matching,
// and memory components that scale as the architecture says.
import { describe, expect, it } from 'vitest'
import { countGpt2Parameters } from '../../../src/engine/formats/gpt2-weights'
import { parseGpt2Config } from '../../../src/engine/formats/hf-config'
import { loraTargetModules } from '../../../src/engine/model/lora'
import { toLoraConfig } from '../../../src/engine/training/lora-settings'
import {
  estimateRun,
  estimateTrainingMemory,
  workerCopyBytes
} from '../../../src/engine/training/memory-estimate'

const gpt2 = parseGpt2Config(
  { n_layer: 12, n_embd: 768, n_head: 12, n_positions: 1024, vocab_size: 50257 },
  'gpt2'
)
const blog = { r: 16, alpha: 32, targetModules: ['attn.c_attn', 'attn.c_proj'], dropout: 0.1, rsLora: false }
const targets = (t: string[]) => loraTargetModules(gpt2, toLoraConfig({ ...blog, targetModules: t }))

describe('memory estimate', () => {
  it('prints the trainable-parameter line exactly as PEFT does for gpt2', () => {
    expect(countGpt2Parameters(gpt2)).toBe(124_439_808)
    const e = estimateRun(gpt2, { batchSize: 1, seqLength: 1024, lora: blog })
    // PEFT ≥ 0.10 formats the share with `:.4f` (0.70596 → 0.7060); older PEFT printed the full float
    // 0.7059558900130528, which is where the often-quoted "0.7059" comes from.
    expect(e.trainableLine).toBe('trainable params: 884,736 || all params: 125,324,544 || trainable%: 0.7060')
  })

  it('matches target modules as PEFT does', () => {
    expect(
      targets(['c_proj'])
        .map((m) => m.name)
        .slice(0, 2)
    ).toEqual(['h.0.attn.c_proj', 'h.0.mlp.c_proj'])
    expect(targets(['attn.c_proj'])).toHaveLength(12)
    expect(() => targets(['q_proj'])).toThrow(/q_proj.*not found/)
  })

  it('lists every component and scales attention with t² and batch', () => {
    const a = estimateTrainingMemory(gpt2, { batchSize: 1, seqLength: 256, lora: blog })
    const b = estimateTrainingMemory(gpt2, { batchSize: 2, seqLength: 512, lora: blog })
    const names = a.components.map((c) => c.name)
    expect(names).toEqual([
      'frozen weights',
      'transposed weight copies',
      'LoRA weights',
      'LoRA gradients',
      'AdamW moments',
      'activations',
      'attention scores',
      'autodiff intermediates',
      'logits',
      'saved probabilities',
      'backend buffers',
      'runtime'
    ])
    // 1 × 256 GPT-2 tokens keep their probabilities (51 MB); 2 × 512 (206 MB) would pass the loss's budget
    const saved = (e: typeof a) => e.components.find((c) => c.name === 'saved probabilities')?.bytes
    expect(saved(a)).toBe(256 * 50257 * 4)
    expect(saved(b)).toBeUndefined()
    const scores = (e: typeof a) => e.components.find((c) => c.name === 'attention scores')!.bytes
    expect(scores(b) / scores(a)).toBe(8)
    expect(a.components[0].bytes).toBe(124_439_808 * 4)
    expect(a.components.find((c) => c.name === 'AdamW moments')!.bytes).toBe(884_736 * 8)
    expect(a.totalBytes).toBe(a.components.reduce((s, c) => s + c.bytes, 0))
    // One chunk of the loss's default 256 tokens holds its logits at the peak.
    expect(b.components.find((c) => c.name === 'logits')!.bytes).toBe(256 * 50257 * 4)
    // On wasm XNNPACK keeps every frozen matrix packed for both products: twice the transposed copies.
    const part = (e: typeof a, key: string) => e.components.find((c) => c.key === key)!.bytes
    expect(part(a, 'backendBuffers')).toBe(2 * part(a, 'transposedWeights'))
    // The tensors are what tf.memory counts; the rest is the process around them.
    expect(a.tensorBytes).toBe(a.totalBytes - part(a, 'backendBuffers') - part(a, 'runtime'))
  })

  it("adds each further worker's own copy and counts only tensors on a GPU backend", () => {
    const opts = { batchSize: 2, seqLength: 256, lora: blog, runtimeBytes: 100 * 2 ** 20 }
    const one = estimateTrainingMemory(gpt2, opts)
    const two = estimateTrainingMemory(gpt2, { ...opts, workers: 2 })
    const worker = two.components.find((c) => c.key === 'workerCopies')!
    expect(worker.bytes).toBe(workerCopyBytes(gpt2, opts, 1))
    // The training thread computes one row of two: fewer activations than alone, plus the worker's copy.
    expect(two.tensorBytes).toBeLessThan(one.tensorBytes)
    expect(two.totalBytes).toBeGreaterThan(one.totalBytes + 1.5 * 2 ** 30)
    const gpu = estimateTrainingMemory(gpt2, { ...opts, backend: 'webgpu' })
    expect(gpu.totalBytes).toBe(gpu.tensorBytes)
    expect(gpu.components.map((c) => c.key)).not.toContain('runtime')
  })

  it('keeps one layer of activations and scores with gradient checkpointing, plus every block input', () => {
    const opts = { batchSize: 8, seqLength: 1024, lora: blog, logitsChunkTokens: 256 }
    const plain = estimateTrainingMemory(gpt2, opts)
    const ckpt = estimateTrainingMemory(gpt2, { ...opts, gradientCheckpointing: true })
    const bytes = (e: typeof plain, name: string) => e.components.find((c) => c.name === name)!.bytes
    expect(bytes(ckpt, 'attention scores')).toBe(bytes(plain, 'attention scores') / 12)
    // 12 block inputs of 8192 × 768 floats are kept besides one layer's activations
    expect(bytes(ckpt, 'activations') - bytes(plain, 'activations') / 12).toBeGreaterThan(12 * 8192 * 768 * 4)
    expect(ckpt.tensorBytes).toBeLessThan(plain.tensorBytes / 4)
  })
})

describe('inference memory estimate', () => {
  const MiB = 2 ** 20
  const run = { batchSize: 4, seqLength: 512, lora: blog, runtimeBytes: 200 * MiB }

  it('counts the weights, the KV cache at the model’s context and the runtime on a CPU backend', () => {
    const e = estimateRun(gpt2, { ...run, backend: 'wasm' }).inference!
    const bytes = Object.fromEntries(e.components.map((c) => [c.key, c.bytes]))
    expect(Object.keys(bytes)).toEqual([
      'frozenWeights',
      'transposedWeights',
      'loraWeights',
      'kvCache',
      'activations',
      'attentionScores',
      'logits',
      'backendBuffers',
      'runtime'
    ])
    expect(bytes.frozenWeights).toBe(124_439_808 * 4)
    // keys and values of 12 layers × 1024 positions × 768, float32: 72 MiB, whatever the run's max length.
    expect(bytes.kvCache).toBe(2 * 12 * 1024 * 768 * 4)
    expect(bytes.loraWeights).toBe(884_736 * 4)
    // One layer's scores for a full-context prompt, 12 heads × 1024²; the last token's logits only.
    expect(bytes.attentionScores).toBe(12 * 1024 * 1024 * 4)
    expect(bytes.logits).toBe(50257 * 4)
    expect(bytes.runtime).toBe(200 * MiB)
    expect(e.totalBytes).toBe(Object.values(bytes).reduce((a, b) => a + b, 0))
    // Far below training the same model at batch 4 × 512.
    expect(e.totalBytes).toBeLessThan(estimateRun(gpt2, { ...run, backend: 'wasm' }).memory.totalBytes / 2)
  })

  it('is GPU memory alone on a GPU backend', () => {
    const e = estimateRun(gpt2, { ...run, backend: 'webgpu' }).inference!
    expect(e.components.map((c) => c.key)).not.toContain('runtime')
    expect(e.totalBytes).toBe(e.tensorBytes)
  })
})
