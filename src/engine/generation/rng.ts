// A small seeded PRNG (xoshiro128**) whose whole state is four numbers, so sampling, dropout masks and
// data order are reproducible from a seed and can be checkpointed and resumed exactly.

export interface RngState {
  algorithm: 'xoshiro128**'
  /** The four 32-bit state words, as unsigned integers. */
  words: [number, number, number, number]
}

const GOLDEN_GAMMA = 0x9e3779b9
const TWO_POW_32 = 4294967296

/** The splitmix32 finaliser: a bijective 32-bit mix, used to spread a seed over the state. */
function mix32(value: number): number {
  let z = value | 0
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad)
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97)
  return (z ^ (z >>> 15)) >>> 0
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

function isWord(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < TWO_POW_32
}

export class Rng {
  private s0 = 0
  private s1 = 0
  private s2 = 0
  private s3 = 0

  /** `seed`: an integer from 0 to 2^53 − 1 (any safe non-negative integer). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`seed must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}; got ${seed}`)
    }
    const high = mix32(Math.floor(seed / TWO_POW_32) + GOLDEN_GAMMA)
    let counter = seed >>> 0
    const words: number[] = []
    for (let i = 0; i < 4; i++) {
      counter = (counter + GOLDEN_GAMMA) | 0
      words.push(mix32(counter ^ high))
    }
    if (!words.some((w) => w !== 0)) words[0] = 1
    this.load(words)
  }

  /** An Rng that continues exactly where a saved state left off. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0)
    rng.setState(state)
    return rng
  }

  getState(): RngState {
    return { algorithm: 'xoshiro128**', words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0] }
  }

  setState(state: RngState): void {
    if (state.algorithm !== 'xoshiro128**') {
      throw new Error(`RNG state is for "${String(state.algorithm)}", expected "xoshiro128**"`)
    }
    const words = state.words
    if (!Array.isArray(words) || words.length !== 4 || !words.every(isWord)) {
      throw new Error('RNG state must hold four unsigned 32-bit integers in `words`')
    }
    if (words.every((w) => w === 0)) throw new Error('RNG state cannot be all zeros (xoshiro would stall)')
    this.load(words)
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0
    const t = this.s1 << 9
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotl(this.s3, 11)
    return result
  }

  /** Uniform double in [0, 1) with 53 random bits (two draws). */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5
    const low = this.nextUint32() >>> 6
    return (high * 67108864 + low) / 9007199254740992
  }

  /** Uniform integer in [0, n), without modulo bias; n from 1 to 2^32. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`nextInt bound must be an integer from 1 to 2^32; got ${n}`)
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n)
    let draw = this.nextUint32()
    while (draw >= limit) draw = this.nextUint32()
    return draw % n
  }

  /** Fill `out` with uniform floats in [0, 1) of 24 random bits each (one draw per element), e.g. dropout masks. */
  fillUniform(out: Float32Array): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = (this.nextUint32() >>> 8) / 16777216
    return out
  }

  /** Shuffle `items` in place (Fisher–Yates) and return it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1)
      const held = items[i]
      items[i] = items[j]
      items[j] = held
    }
    return items
  }

  private load(words: readonly number[]): void {
    this.s0 = words[0] | 0
    this.s1 = words[1] | 0
    this.s2 = words[2] | 0
    this.s3 = words[3] | 0
  }
}
