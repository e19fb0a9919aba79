// Stand-ins for a real model in generation tests: one that emits a fixed script of tokens (greedy) and one
// whose logits come from a small seeded table; both record how they were driven and whether they were freed.
import type { CausalLm, DecodeSession } from '../../../src/engine/generation/causal-lm'
import { Rng } from '../../../src/engine/generation/rng'

export interface SessionLog {
  appends: number[][]
  disposed: boolean
}

abstract class RecordingLm implements CausalLm {
  readonly sessions: SessionLog[] = []

  constructor(
    readonly vocabSize: number,
    readonly maxPositions: number
  ) {}

  protected abstract logitsFor(fed: readonly number[], promptLength: number): Float32Array

  startSession(): DecodeSession {
    const log: SessionLog = { appends: [], disposed: false }
    this.sessions.push(log)
    const fed: number[] = []
    let promptLength = -1
    const append = async (ids: number[]): Promise<Float32Array> => {
      if (log.disposed) throw new Error('append after dispose')
      if (fed.length + ids.length > this.maxPositions) throw new Error('past maxPositions')
      log.appends.push([...ids])
      fed.push(...ids)
      if (promptLength < 0) promptLength = ids.length
      return this.logitsFor(fed, promptLength)
    }
    return {
      append,
      get length() {
        return fed.length
      },
      dispose() {
        log.disposed = true
      }
    }
  }
}

/** Greedy decoding emits `script` after any prompt, then repeats its last token (logit 10; all others 1). */
export class ScriptedLm extends RecordingLm {
  constructor(
    private readonly script: number[],
    vocabSize: number,
    maxPositions = 1024
  ) {
    super(vocabSize, maxPositions)
  }

  protected logitsFor(fed: readonly number[], promptLength: number): Float32Array {
    const step = Math.min(fed.length - promptLength, this.script.length - 1)
    const logits = new Float32Array(this.vocabSize).fill(1)
    logits[this.script[step]] = 10
    return logits
  }
}

/** Logits depend on the last token through a seeded random table: a broad distribution for sampling tests. */
export class TableLm extends RecordingLm {
  private readonly table: Float32Array

  constructor(vocabSize: number, tableSeed: number, maxPositions = 1024) {
    super(vocabSize, maxPositions)
    const rng = new Rng(tableSeed)
    this.table = Float32Array.from({ length: vocabSize * vocabSize }, () => rng.nextFloat() * 4 - 2)
  }

  protected logitsFor(fed: readonly number[]): Float32Array {
    const last = fed[fed.length - 1]
    return this.table.slice(last * this.vocabSize, (last + 1) * this.vocabSize)
  }
}

/** A byte-level "tokenizer" whose token i decodes to pieces[i] (bytes, or a string's UTF-8). */
export function fakeDecoder(pieces: Array<string | number[]>): (ids: number[]) => Uint8Array {
  const bytes = pieces.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : Uint8Array.from(p)))
  return (ids) => {
    const parts = ids.map((id) => bytes[id])
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
    let at = 0
    for (const p of parts) {
      out.set(p, at)
      at += p.length
    }
    return out
  }
}
