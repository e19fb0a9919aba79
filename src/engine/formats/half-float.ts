// IEEE half (F16) and bfloat16 (BF16) <-> float32 conversions, because tfjs has no 16-bit floats
// and checkpoints on the Hub are often stored in them. Rounding is round-to-nearest-even.

let f16Table: Float32Array | null = null

function f16BitsToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exp = (h >> 10) & 0x1f
  const frac = h & 0x3ff
  if (exp === 0) return sign * frac * 2 ** -24
  if (exp === 0x1f) return frac ? NaN : sign * Infinity
  return sign * (1 + frac / 1024) * 2 ** (exp - 15)
}

/** All 65536 half values as float32, built once on first use (256 KiB). */
function halfTable(): Float32Array {
  if (!f16Table) {
    f16Table = new Float32Array(65536)
    for (let h = 0; h < 65536; h++) f16Table[h] = f16BitsToFloat(h)
  }
  return f16Table
}

export function f16ToF32(bits: Uint16Array): Float32Array {
  const table = halfTable()
  const out = new Float32Array(bits.length)
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]]
  return out
}

export function bf16ToF32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length)
  const outBits = new Uint32Array(out.buffer)
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i] << 16
  return out
}

const scratch = new Float32Array(1)
const scratchBits = new Uint32Array(scratch.buffer)

/** float32 value -> half bits, round-to-nearest-even; overflow goes to infinity. */
export function f32ToF16Bits(value: number): number {
  scratch[0] = value
  const x = scratchBits[0]
  const sign = (x >>> 16) & 0x8000
  const exp = (x >>> 23) & 0xff
  const mant = x & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0)
  const e = exp - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    if (e < -10) return sign
    const m = mant | 0x800000
    const shift = 14 - e
    const half = 1 << (shift - 1)
    const rest = m & ((1 << shift) - 1)
    let r = m >>> shift
    if (rest > half || (rest === half && (r & 1) === 1)) r++
    return sign | r
  }
  let r = (e << 10) | (mant >>> 13)
  const rest = mant & 0x1fff
  if (rest > 0x1000 || (rest === 0x1000 && (r & 1) === 1)) r++
  return sign | r
}

/** float32 value -> bfloat16 bits, round-to-nearest-even; NaN stays NaN. */
export function f32ToBf16Bits(value: number): number {
  scratch[0] = value
  const x = scratchBits[0]
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return ((x >>> 16) | 0x40) & 0xffff
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff
}

export function f32ToF16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = f32ToF16Bits(values[i])
  return out
}

export function f32ToBf16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = f32ToBf16Bits(values[i])
  return out
}
