// Seeded train/validation split: exactly round(n × ratio) records go to validation, chosen by a
// seeded shuffle, so the same data and seed always give the same split.

/** mulberry32: small, fast, good enough for choosing records. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function validationCount(n: number, ratio: number): number {
  if (ratio <= 0 || n < 2) return 0
  return Math.min(n - 1, Math.max(1, Math.round(n * ratio)))
}

/** For each of n records, 1 when it goes to validation. */
export function chooseValidation(n: number, ratio: number, seed: number): Uint8Array {
  const flags = new Uint8Array(n)
  const k = validationCount(n, ratio)
  if (k === 0) return flags
  const random = seededRandom(seed)
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (n - i))
    const t = order[i]
    order[i] = order[j]
    order[j] = t
    flags[order[i]] = 1
  }
  return flags
}
