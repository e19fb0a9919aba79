// How one optimizer step's rows are shared among data-parallel workers: whole micro-batches when
// there are enough of them, otherwise each micro-batch's rows split into contiguous parts.
import type { TrainBatch } from '../model/train-step'
import { collate } from './training-data'
import type { TokenRecord } from './training-data'

/** One forward + backward pass: collated rows and each row's dropout seed (null: eval mode). */
export interface GradientPiece {
  batch: TrainBatch
  dropoutSeeds: number[] | null
}

/** A micro-batch as the trainer plans it: records and, in training mode, a dropout seed per record. */
export interface MicroBatch {
  records: readonly TokenRecord[]
  seeds: readonly number[] | null
}

/**
 * Tokens of one forward + backward pass (at least one row): activation memory grows with them, and
 * wasm's heap is 4 GB, so 8 × 1024 runs as passes of one row while 2 × 256 stays one pass.
 */
export const PASS_TOKENS = 1024

/** The rows as passes of at most PASS_TOKENS padded tokens each (one row at least). */
function passes(records: readonly TokenRecord[], seeds: readonly number[] | null): GradientPiece[] {
  const longest = Math.max(...records.map((r) => r.inputIds.length))
  const rowsPerPass = Math.max(1, Math.floor(PASS_TOKENS / longest))
  const out: GradientPiece[] = []
  for (let from = 0; from < records.length; from += rowsPerPass) {
    const to = Math.min(records.length, from + rowsPerPass)
    out.push({ batch: collate(records.slice(from, to)), dropoutSeeds: seeds?.slice(from, to) ?? null })
  }
  return out
}

/**
 * The pieces each of `workers` computes, in a fixed order. A piece never holds more rows than a
 * micro-batch (the memory bound the user chose) nor more than PASS_TOKENS tokens unless it is one
 * row; the grouping does not change the gradient, since rows are independent and each row's dropout
 * comes from its own seed.
 */
export function sharePieces(micro: readonly MicroBatch[], workers: number): GradientPiece[][] {
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`internal: ${workers} workers`)
  const shares: GradientPiece[][] = Array.from({ length: workers }, () => [])
  if (micro.length >= workers) {
    micro.forEach((m, i) => shares[i % workers].push(...passes(m.records, m.seeds)))
    return shares
  }
  let next = 0
  for (const m of micro) {
    const parts = Math.min(workers, m.records.length)
    for (let p = 0; p < parts; p++) {
      const from = Math.floor((p * m.records.length) / parts)
      const to = Math.floor(((p + 1) * m.records.length) / parts)
      shares[next++ % workers].push(...passes(m.records.slice(from, to), m.seeds?.slice(from, to) ?? null))
    }
  }
  return shares
}
