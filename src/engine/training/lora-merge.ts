// Folding a LoRA pair into its base weight for a merged export, in either layout a model stores its
// layers in: GPT-2's Conv1D (W `[in, out]`, W + scaling·(B·A)ᵀ) or nn.Linear (W `[out, in]`, W + scaling·B·A,
// the Llama families). One product loop serves both; only which factor is the row side differs.
import type { LoadedWeight } from '../formats/hf-model-folder'
import type { LoraWeightArrays } from '../model/lora'
import { loraScaling, type PeftAdapter } from './peft-adapter'

/** How a model stores a linear layer's weight: Conv1D `[in, out]` or nn.Linear `[out, in]`. */
export type WeightLayout = 'conv1d' | 'linear'

/** `out` `[rows, cols]` += scaling · X·Y with X `[rows, r]`, Y `[r, cols]`, all row-major. */
function addScaledProduct(
  out: Float32Array,
  x: Float32Array,
  y: Float32Array,
  dims: { rows: number; r: number; cols: number },
  scaling: number
): void {
  const { rows, r, cols } = dims
  for (let i = 0; i < rows; i++) {
    const row = i * cols
    for (let k = 0; k < r; k++) {
      const xik = x[i * r + k] * scaling
      if (xik === 0) continue
      const yRow = k * cols
      for (let c = 0; c < cols; c++) out[row + c] += xik * y[yRow + c]
    }
  }
}

/** A `[rows, cols]` row-major matrix transposed. */
function transposed(m: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(m.length)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j]
  return t
}

/** W plus scaling · B·A (A `[r, in]`, B `[out, r]`) in W's own layout; returns a new array. */
export function mergeLoraPair(
  w: LoadedWeight,
  pair: LoraWeightArrays,
  r: number,
  scaling: number,
  layout: WeightLayout
): Float32Array {
  const [rows, cols] = w.shape
  const [nIn, nOut] = layout === 'conv1d' ? [rows, cols] : [cols, rows]
  const { a, b } = pair
  if (w.shape.length !== 2 || a.length !== r * nIn || b.length !== nOut * r) {
    const kind = layout === 'conv1d' ? 'Conv1D weight [in, out]' : 'linear weight [out, in]'
    throw new Error(
      `LoRA weights (${a.length} / ${b.length} values, r = ${r}) do not fit a ${kind} [${w.shape}]`
    )
  }
  const out = Float32Array.from(w.data)
  // Conv1D: W [in, out] += Aᵀ [in, r] · Bᵀ [r, out]; nn.Linear: W [out, in] += B [out, r] · A [r, in].
  const [x, y] = layout === 'conv1d' ? [transposed(a, r, nIn), transposed(b, nOut, r)] : [b, a]
  addScaledProduct(out, x, y, { rows, r, cols }, scaling)
  return out
}

/**
 * The base weights (keyed as the engine loads them) with every adapted module merged; the other tensors
 * are shared, not copied. A module's weight is `<module name>.weight` under those keys.
 */
export function mergedWeights(
  weights: ReadonlyMap<string, LoadedWeight>,
  adapter: PeftAdapter,
  layout: WeightLayout
): Map<string, LoadedWeight> {
  const scaling = loraScaling(adapter.settings)
  const out = new Map(weights)
  for (const [name, pair] of adapter.modules) {
    const key = `${name}.weight`
    const w = weights.get(key)
    if (!w) throw new Error(`the base model has no weight ${key} for the adapter's module ${name}`)
    out.set(key, { shape: w.shape, data: mergeLoraPair(w, pair, adapter.settings.r, scaling, layout) })
  }
  return out
}
