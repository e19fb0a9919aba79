// Remembers which records an import has already seen, for duplicate detection, in 11–21 bytes per
// record: a 64-bit prefix of each record's SHA-1 in an open-addressing table (at most 3/4 full) of
// typed arrays, so millions of records cost tens of MB, not a string and a Set entry each.
import { createHash } from 'node:crypto'

const INITIAL_SLOTS = 1 << 12

export class FingerprintSet {
  /** Two uint32 halves per slot; a slot of (0, 0) is empty. */
  private table = new Uint32Array(INITIAL_SLOTS * 2)
  private used = 0

  get size(): number {
    return this.used
  }

  /** Adds the text's fingerprint; false when it was already there (a duplicate). */
  add(text: string): boolean {
    const digest = createHash('sha1').update(text).digest()
    const hi = digest.readUInt32LE(0)
    // (0, 0) marks an empty slot, so that one fingerprint is moved to (0, 1).
    const lo = hi === 0 && digest.readUInt32LE(4) === 0 ? 1 : digest.readUInt32LE(4)
    if (!this.insert(this.table, hi, lo)) return false
    this.used++
    if (this.used * 4 > (this.table.length / 2) * 3) this.grow()
    return true
  }

  private insert(table: Uint32Array, hi: number, lo: number): boolean {
    const mask = table.length / 2 - 1
    for (let slot = (hi ^ lo) & mask; ; slot = (slot + 1) & mask) {
      const h = table[slot * 2]
      const l = table[slot * 2 + 1]
      if (h === 0 && l === 0) {
        table[slot * 2] = hi
        table[slot * 2 + 1] = lo
        return true
      }
      if (h === hi && l === lo) return false
    }
  }

  private grow(): void {
    const old = this.table
    this.table = new Uint32Array(old.length * 2)
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 || old[i + 1] !== 0) this.insert(this.table, old[i], old[i + 1])
    }
  }
}
