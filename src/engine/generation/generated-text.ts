// The text side of generation: byte-level tokens arrive one by one, and a character (a Chinese one is often
// three tokens) may be split across them. This shows only whole characters, finds stop sequences that span
// tokens, and holds back a tail that may be the start of a stop sequence, so the stream never shows it.

export class GeneratedText {
  private readonly decoder = new TextDecoder('utf-8')
  private readonly stops: readonly string[]
  private readonly longestStop: number
  private full = ''
  private emitted = 0
  private stopIndex = -1
  private finished = false

  constructor(stopSequences: readonly string[]) {
    this.stops = stopSequences.filter((s) => s.length > 0)
    this.longestStop = Math.max(0, ...this.stops.map((s) => s.length))
  }

  /** Whether a stop sequence has appeared; the text then ends just before it. */
  get stopped(): boolean {
    return this.stopIndex >= 0
  }

  /** The text so far: cut before the stop sequence once one appeared, whole after finish(). */
  get text(): string {
    return this.stopped ? this.full.slice(0, this.stopIndex) : this.full
  }

  /**
   * Add one token's bytes. Returns the text that has become safe to show: complete characters only, not
   * past a stop sequence, and not a tail that could still grow into one.
   */
  push(bytes: Uint8Array): string {
    if (this.stopped || this.finished) return ''
    const before = this.full.length
    this.full += this.decoder.decode(bytes, { stream: true })
    const found = this.findStop(Math.max(0, before - this.longestStop + 1))
    if (found >= 0) {
      this.stopIndex = found
      return this.emitUpTo(found)
    }
    return this.emitUpTo(this.full.length - this.heldBack())
  }

  /** End of generation: bytes of an unfinished character become U+FFFD (as HF's decode does), and any
   * held-back tail is released. Returns the last piece of text to show. */
  finish(): string {
    if (this.stopped || this.finished) return ''
    this.finished = true
    this.full += this.decoder.decode()
    return this.emitUpTo(this.full.length)
  }

  private emitUpTo(end: number): string {
    if (end <= this.emitted) return ''
    const delta = this.full.slice(this.emitted, end)
    this.emitted = end
    return delta
  }

  private findStop(from: number): number {
    let first = -1
    for (const stop of this.stops) {
      const at = this.full.indexOf(stop, from)
      if (at >= 0 && (first < 0 || at < first)) first = at
    }
    return first
  }

  /** Length of the longest tail of the text that is a proper prefix of some stop sequence. */
  private heldBack(): number {
    let held = 0
    for (const stop of this.stops) {
      for (let k = Math.min(stop.length - 1, this.full.length); k > held; k--) {
        if (this.full.endsWith(stop.slice(0, k))) {
          held = k
          break
        }
      }
    }
    return held
  }
}
