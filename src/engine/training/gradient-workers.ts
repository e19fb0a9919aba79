// The data-parallel gradient workers of one training run: starts N worker threads with the frozen
// weights in shared memory, hands each its pieces of a step and collects the summed gradients.
// A worker that fails or exits fails the step with a message naming it; the pool is then unusable.
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { WorkersWhy } from '../../shared/runs'
import type { BackendName } from '../../shared/system'
import { isGpuBackend } from '../backend'
import { workerStart } from '../entry-files'
import type { WeightArray } from '../model/frozen-weights'
import type { ComputeOptions } from '../model/train-step'
import type { GradientPiece } from './gradient-pieces'
import type { FromGradientWorker, ToGradientWorker, WorkerModel } from './gradient-worker-protocol'

export interface WorkerResult {
  lossSum: number
  targetTokens: number
  grads: Float32Array[]
  tfBytes: number
}

/** Copies weights into SharedArrayBuffers, which worker threads read without a copy each. */
export function shareWeights(weights: ReadonlyMap<string, WeightArray>): Map<string, WeightArray> {
  const out = new Map<string, WeightArray>()
  for (const [name, w] of weights) {
    const data = new Float32Array(new SharedArrayBuffer(w.data.byteLength))
    data.set(w.data)
    out.set(name, { shape: w.shape, data })
  }
  return out
}

/** How many data-parallel workers a run uses (the training thread counts as one), and why. */
export interface WorkerChoice {
  count: number
  why: WorkersWhy
}

/**
 * One on a GPU backend (webgpu, tfjs-node-gpu: one device, which more threads would only queue on) and on
 * tfjs-node (it threads by itself); otherwise the user's number, or with `null` one per core on the
 * single-threaded backends (wasm, cpu); never more than the rows of a step or than memory holds model copies.
 */
export function resolveWorkerCount(opts: {
  requested: number | null
  backend: BackendName
  rowsPerStep: number
  bytesPerWorker: number
  freeBytes: number
  /** Cores to use (default: what Node reports). */
  cores?: number
}): WorkerChoice {
  const { backend, requested } = opts
  const choice = (count: number, why: WorkersWhy['why']): WorkerChoice => ({
    count,
    why: {
      why,
      backend,
      asked: requested !== null && requested > 1 && requested !== count ? requested : null
    }
  })
  if (isGpuBackend(backend)) return choice(1, 'gpu')
  if (backend === 'tensorflow') return choice(1, 'threads-itself')
  const byRows = Math.max(1, opts.rowsPerStep)
  if (requested !== null) {
    const count = Math.max(1, Math.min(requested, byRows))
    return choice(count, count === requested ? 'asked' : 'rows')
  }
  const cores = opts.cores ?? availableParallelism()
  const byMemory = Math.max(1, Math.floor(opts.freeBytes / Math.max(1, opts.bytesPerWorker)))
  const count = Math.max(1, Math.min(cores, byRows, byMemory))
  return choice(count, count === cores ? 'cores' : count === byRows ? 'rows' : 'memory')
}

class GradientWorker {
  private pending: { id: number; resolve: (r: WorkerResult) => void; reject: (e: Error) => void } | null =
    null
  private failure: Error | null = null
  private readyWaiter: { resolve: () => void; reject: (e: Error) => void } | null = null

  constructor(
    private readonly index: number,
    private readonly worker: Worker
  ) {
    worker.on('message', (m: FromGradientWorker) => this.onMessage(m))
    worker.on('error', (err) => this.fail(new Error(`gradient worker ${index} failed: ${err.message}`)))
    worker.on('exit', (code) => this.fail(new Error(`gradient worker ${index} exited (code ${code})`)))
  }

  /** Sends the model; resolves once the worker has built it. */
  init(message: Extract<ToGradientWorker, { kind: 'init' }>): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.readyWaiter = { resolve, reject }
      this.worker.postMessage(message)
    })
  }

  run(message: Extract<ToGradientWorker, { kind: 'step' }>): Promise<WorkerResult> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.pending = { id: message.id, resolve, reject }
      this.worker.postMessage(message)
    })
  }

  terminate(): Promise<number> {
    this.failure ??= new Error(`gradient worker ${this.index} was stopped`)
    return this.worker.terminate()
  }

  private onMessage(m: FromGradientWorker): void {
    if (m.kind === 'ready') {
      this.readyWaiter?.resolve()
      this.readyWaiter = null
    } else if (m.kind === 'error') {
      const err = new Error(`gradient worker ${this.index}: ${m.message}`)
      if (m.id === null) this.fail(err)
      else this.settle(m.id, (p) => p.reject(err))
    } else {
      this.settle(m.id, (p) =>
        p.resolve({ lossSum: m.lossSum, targetTokens: m.targetTokens, grads: m.grads, tfBytes: m.tfBytes })
      )
    }
  }

  private settle(id: number, how: (p: NonNullable<GradientWorker['pending']>) => void): void {
    const p = this.pending
    if (p?.id !== id) return
    this.pending = null
    how(p)
  }

  private fail(err: Error): void {
    if (this.failure) return
    this.failure = err
    this.readyWaiter?.reject(err)
    this.readyWaiter = null
    const p = this.pending
    this.pending = null
    p?.reject(err)
  }
}

export class GradientWorkers {
  private nextId = 1

  private constructor(private readonly workers: GradientWorker[]) {}

  /** Starts `count` workers with the model (weights from `shareWeights`) and waits until all are ready. */
  static async start(count: number, backend: BackendName, model: WorkerModel): Promise<GradientWorkers> {
    const entry = workerStart('gradient-worker')
    const workers = Array.from(
      { length: count },
      (_, i) =>
        new GradientWorker(
          i + 1,
          new Worker(entry.file, entry.workerData === undefined ? {} : { workerData: entry.workerData })
        )
    )
    const pool = new GradientWorkers(workers)
    try {
      await Promise.all(workers.map((w) => w.init({ kind: 'init', backend, model })))
    } catch (err) {
      await pool.dispose()
      throw err
    }
    return pool
  }

  /** Workers besides the training thread. */
  get size(): number {
    return this.workers.length
  }

  /** Computes `shares[i]` on worker i + 1 (an empty share resolves to null without a round trip). */
  compute(
    shares: readonly GradientPiece[][],
    loraWeights: Float32Array[],
    gradScale: number,
    compute: ComputeOptions
  ): Promise<(WorkerResult | null)[]> {
    if (shares.length !== this.workers.length) {
      throw new Error(`internal: ${shares.length} shares for ${this.workers.length} workers`)
    }
    return Promise.all(
      shares.map((pieces, i) =>
        pieces.length === 0
          ? Promise.resolve(null)
          : this.workers[i].run({
              kind: 'step',
              id: this.nextId++,
              loraWeights,
              pieces,
              gradScale,
              compute
            })
      )
    )
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}
