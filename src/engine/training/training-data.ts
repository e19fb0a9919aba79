// Training records and the order they are seen in: tokenized JSONL in, optional packing into blocks,
// a seeded validation split, one seeded shuffle per epoch, and right-padded micro-batches. The order
// is a pure function of (seed, epoch), so a checkpoint needs only the step to resume it exactly.
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { Rng } from '../generation/rng'
import { IGNORE_INDEX } from '../model/causal-lm-loss'
import type { TrainBatch } from '../model/train-step'

export interface TokenRecord {
  inputIds: Int32Array
  /** Same length as inputIds; -100 where nothing is trained (prompt, padding). */
  labels: Int32Array
}

/** Reads `{"input_ids": [...], "labels": [...]}` lines; labels default to input_ids (all trained). */
export async function readTokenizedJsonl(
  path: string,
  vocabSize: number,
  signal?: AbortSignal
): Promise<TokenRecord[]> {
  const records: TokenRecord[] = []
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })
  let lineNo = 0
  for await (const line of lines) {
    lineNo++
    // A large file takes a while: a stop that came meanwhile ends the read (aborted reads throw).
    if (lineNo % 1000 === 0) signal?.throwIfAborted()
    if (line.trim() === '') continue
    const where = `${path} line ${lineNo}`
    let raw: unknown
    try {
      raw = JSON.parse(line)
    } catch {
      throw new Error(`${where}: not valid JSON`)
    }
    const obj = raw as { input_ids?: unknown; labels?: unknown }
    const ids = obj.input_ids
    if (!Array.isArray(ids) || ids.length === 0)
      throw new Error(`${where}: field "input_ids" must be a non-empty list of token ids`)
    const inputIds = Int32Array.from(ids as number[])
    inputIds.forEach((id, i) => {
      if (!Number.isInteger(ids[i]) || id < 0 || id >= vocabSize) {
        throw new Error(
          `${where}: input_ids[${i}] = ${String(ids[i])} is not a token id of this model (0…${vocabSize - 1})`
        )
      }
    })
    let labels = Int32Array.from(inputIds)
    if (obj.labels !== undefined) {
      const ls = obj.labels
      if (!Array.isArray(ls) || ls.length !== ids.length) {
        throw new Error(`${where}: field "labels" must be a list as long as input_ids (${ids.length})`)
      }
      labels = Int32Array.from(ls as number[])
      labels.forEach((l, i) => {
        if (!Number.isInteger(ls[i]) || (l !== IGNORE_INDEX && (l < 0 || l >= vocabSize))) {
          throw new Error(`${where}: labels[${i}] = ${String(ls[i])} is neither -100 nor a token id`)
        }
      })
    }
    records.push({ inputIds, labels })
  }
  if (records.length === 0) throw new Error(`${path}: no records; the file is empty`)
  return records
}

/** Records longer than maxLength are cut (HF truncation); shorter ones stay as they are. */
export function truncateRecords(records: readonly TokenRecord[], maxLength: number): TokenRecord[] {
  return records.map((r) =>
    r.inputIds.length <= maxLength
      ? r
      : { inputIds: r.inputIds.slice(0, maxLength), labels: r.labels.slice(0, maxLength) }
  )
}

/**
 * HF's group_texts, except that the shorter last block is kept, as the dataset's packer keeps it (no
 * text is lost, and a dataset's packed samples, packed again at the same max length, stay as many as its
 * statistics count): all records concatenated and cut into blocks of maxLength.
 */
export function packRecords(records: readonly TokenRecord[], maxLength: number): TokenRecord[] {
  const total = records.reduce((n, r) => n + r.inputIds.length, 0)
  const ids = new Int32Array(total)
  const labels = new Int32Array(total)
  let at = 0
  for (const r of records) {
    ids.set(r.inputIds, at)
    labels.set(r.labels, at)
    at += r.inputIds.length
  }
  const out: TokenRecord[] = []
  for (let start = 0; start < total; start += maxLength) {
    const end = Math.min(total, start + maxLength)
    out.push({ inputIds: ids.slice(start, end), labels: labels.slice(start, end) })
  }
  return out
}

/** Seeded hold-out: `ratio` of the records (at least one) become validation records. */
export function splitValidation(
  records: readonly TokenRecord[],
  ratio: number,
  seed: number
): { train: TokenRecord[]; validation: TokenRecord[] } {
  if (records.length < 2)
    throw new Error('a validation split needs at least 2 records; add data or use a validation file')
  const order = new Rng(seed).shuffle(records.map((_, i) => i))
  const n = Math.min(records.length - 1, Math.max(1, Math.round(records.length * ratio)))
  const held = new Set(order.slice(0, n))
  return {
    train: records.filter((_, i) => !held.has(i)),
    validation: records.filter((_, i) => held.has(i))
  }
}

/** The permutation of record indices for an epoch (HF: sampler seeded with seed + epoch). */
export function epochOrder(recordCount: number, seed: number, epoch: number): number[] {
  return new Rng(seed + epoch).shuffle(Array.from({ length: recordCount }, (_, i) => i))
}

/** Right-pads records to the longest of them: pad id 0 with label -100 and attention 0. */
export function collate(records: readonly TokenRecord[]): TrainBatch {
  const seqLen = Math.max(...records.map((r) => r.inputIds.length))
  const batch = records.length
  const inputIds = new Int32Array(batch * seqLen)
  const labels = new Int32Array(batch * seqLen).fill(IGNORE_INDEX)
  const attentionMask = new Int32Array(batch * seqLen)
  records.forEach((r, b) => {
    inputIds.set(r.inputIds, b * seqLen)
    labels.set(r.labels, b * seqLen)
    attentionMask.fill(1, b * seqLen, b * seqLen + r.inputIds.length)
  })
  const padded = records.some((r) => r.inputIds.length < seqLen)
  return { inputIds, labels, attentionMask: padded ? attentionMask : null, batch, seqLen }
}

/** Tokens that count toward the loss: labels[t] != -100 for t ≥ 1 (position 0 predicts nothing). */
export function targetTokenCount(record: TokenRecord): number {
  let n = 0
  for (let t = 1; t < record.labels.length; t++) if (record.labels[t] !== IGNORE_INDEX) n++
  return n
}

/** How the records map to optimizer steps: micro-batches per epoch, grouped by gradient accumulation. */
export interface StepPlan {
  recordCount: number
  batchSize: number
  gradientAccumulation: number
  microBatchesPerEpoch: number
  stepsPerEpoch: number
  totalSteps: number
}

export function planSteps(
  recordCount: number,
  opts: { batchSize: number; gradientAccumulation: number; epochs: number; maxSteps: number | null }
): StepPlan {
  const microBatchesPerEpoch = Math.ceil(recordCount / opts.batchSize)
  const stepsPerEpoch = Math.ceil(microBatchesPerEpoch / opts.gradientAccumulation)
  const totalSteps = opts.maxSteps ?? Math.max(1, Math.ceil(opts.epochs * stepsPerEpoch))
  return { recordCount, ...opts, microBatchesPerEpoch, stepsPerEpoch, totalSteps }
}

/** Where optimizer step `step` (0-based) reads from: its epoch and the record indices of each micro-batch. */
export interface StepData {
  epoch: number
  /** First micro-batch of this step within the epoch (the data cursor). */
  cursor: number
  microBatches: number[][]
}

export function stepData(plan: StepPlan, step: number, seed: number, orderOf = epochOrder): StepData {
  const epoch = Math.floor(step / plan.stepsPerEpoch)
  const inEpoch = step % plan.stepsPerEpoch
  const order = orderOf(plan.recordCount, seed, epoch)
  const cursor = inEpoch * plan.gradientAccumulation
  const end = Math.min(plan.microBatchesPerEpoch, cursor + plan.gradientAccumulation)
  const microBatches: number[][] = []
  for (let m = cursor; m < end; m++)
    microBatches.push(order.slice(m * plan.batchSize, (m + 1) * plan.batchSize))
  return { epoch, cursor, microBatches }
}
