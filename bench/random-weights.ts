// Random GPT-2 weights built in memory with the checkpoint's exact shapes: the bench times the math of a
// model of a given size, so it needs no model folder on disk (writing GPT-2-small takes ~20 s).
import { gpt2WeightShapes } from '../src/engine/formats/gpt2-weights'
import type { Gpt2Config } from '../src/engine/formats/hf-config'
import { Rng } from '../src/engine/generation/rng'
import type { WeightArray } from '../src/engine/model/frozen-weights'

/** Uniform values with GPT-2's init spread (std 0.02), LayerNorm weights 1, biases 0; seeded. */
export function randomGpt2Weights(config: Gpt2Config, seed: number): Map<string, WeightArray> {
  const rng = new Rng(seed)
  const halfWidth = config.initializerRange * Math.sqrt(3)
  const scale = (2 * halfWidth) / 4294967296
  const out = new Map<string, WeightArray>()
  for (const [key, shape] of gpt2WeightShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    if (/\.ln_\d\.weight$|^ln_f\.weight$/.test(key)) data.fill(1)
    else if (key.endsWith('.weight')) {
      for (let i = 0; i < data.length; i++) data[i] = rng.nextUint32() * scale - halfWidth
    }
    out.set(key, { shape, data })
  }
  return out
}

/** Token ids in [0, vocab) for a batch, row-major. */
export function randomTokenIds(count: number, vocabSize: number, seed: number): Int32Array {
  const rng = new Rng(seed)
  const ids = new Int32Array(count)
  for (let i = 0; i < count; i++) ids[i] = rng.nextUint32() % vocabSize
  return ids
}
