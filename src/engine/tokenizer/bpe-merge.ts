// The byte-pair merge loop: repeatedly joins the adjacent pair with the lowest merge rank, leftmost
// first, exactly as Hugging Face tokenizers does it, in O(n log n) so long unbroken strings stay fast.

interface Candidate {
  rank: number
  pos: number
  left: string
  right: string
}

function before(a: Candidate, b: Candidate): boolean {
  return a.rank < b.rank || (a.rank === b.rank && a.pos < b.pos)
}

class CandidateHeap {
  private readonly items: Candidate[] = []

  get size(): number {
    return this.items.length
  }

  push(item: Candidate): void {
    const items = this.items
    items.push(item)
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(items[i], items[parent])) break
      ;[items[i], items[parent]] = [items[parent], items[i]]
      i = parent
    }
  }

  pop(): Candidate {
    const items = this.items
    const top = items[0]
    const last = items.pop() as Candidate
    if (items.length > 0) {
      items[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let best = i
        if (l < items.length && before(items[l], items[best])) best = l
        if (r < items.length && before(items[r], items[best])) best = r
        if (best === i) break
        ;[items[i], items[best]] = [items[best], items[i]]
        i = best
      }
    }
    return top
  }
}

/**
 * Merges `symbols` (one byte-level character each) by `ranks` (key `"left right"`, lower merges first)
 * and returns the resulting tokens.
 */
export function bpeMerge(symbols: string[], ranks: ReadonlyMap<string, number>): string[] {
  const n = symbols.length
  if (n < 2) return symbols.slice()
  const tok = symbols.slice()
  const next = new Int32Array(n)
  const prev = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1
    prev[i] = i - 1
  }
  const heap = new CandidateHeap()
  const offer = (pos: number): void => {
    const right = next[pos]
    if (right < 0) return
    const rank = ranks.get(`${tok[pos]} ${tok[right]}`)
    if (rank !== undefined) heap.push({ rank, pos, left: tok[pos], right: tok[right] })
  }
  for (let i = 0; i < n - 1; i++) offer(i)
  while (heap.size > 0) {
    const { pos, left, right } = heap.pop()
    const r = next[pos]
    // stale: this symbol or its neighbour has been merged since the candidate was queued
    if (tok[pos] !== left || r < 0 || tok[r] !== right) continue
    tok[pos] = left + right
    tok[r] = ''
    next[pos] = next[r]
    if (next[r] >= 0) prev[next[r]] = pos
    if (prev[pos] >= 0) offer(prev[pos])
    offer(pos)
  }
  const out: string[] = []
  for (let i = 0; i >= 0; i = next[i]) out.push(tok[i])
  return out
}
