// Random decoder weights built in memory with the checkpoint's exact shapes (GPT-2, or a Llama/Qwen2/Qwen3
// family): the bench times the math of a model of a given size, so it needs no model folder on disk
// (writing GPT-2-small takes ~20 s, Qwen2.5-0.5B's 2 GB far longer).
import type { DecoderConfig } from '../src/engine/formats/decoder-folder'
import { decoderWeightShapes } from '../src/engine/formats/decoder-weights'
import { Rng } from '../src/engine/generation/rng'
import type { WeightArray } from '../src/engine/model/frozen-weights'

/** Norm weights: GPT-2's LayerNorms (ln_1, ln_2, ln_f) and the Llama families' RMSNorms (…norm.weight). */
function isNormWeight(key: string): boolean {
  return /\.ln_\d\.weight$|^ln_f\.weight$|norm\.weight$/.test(key)
}

/** Uniform values with the config's init spread (std initializer_range), norm weights 1, biases 0; seeded. */
export function randomDecoderWeights(config: DecoderConfig, seed: number): Map<string, WeightArray> {
  const rng = new Rng(seed)
  const halfWidth = config.initializerRange * Math.sqrt(3)
  const scale = (2 * halfWidth) / 4294967296
  const out = new Map<string, WeightArray>()
  for (const [key, shape] of decoderWeightShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    if (isNormWeight(key)) data.fill(1)
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
