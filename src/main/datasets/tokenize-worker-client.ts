// Main's side of the datasets worker thread (tokenizing, sample files): one worker for all imports,
// started on the first request and kept while they come (its start and GPT-2's vocabulary cost about
// a second and 40 MB, paid once), ended after a minute idle. It holds the process open only while a
// request is out, so the CLI exits when its work is done. A tokenizer with no source (a test's) is run inline instead.
import { Worker } from 'node:worker_threads'
import { workerStart } from '../../engine/entry-files'
import { inlineProcessor, type ProcessSettings, type RecordBatchProcessor } from './record-batches'
import type { SampleName } from './sample-files'
import type { TextTokenizer } from './text-tokenizer'
import type { FromTokenizeWorker, ToTokenizeWorker } from './tokenize-worker-protocol'

const IDLE_MS = 60_000

interface Waiter {
  resolve: (reply: FromTokenizeWorker) => void
  reject: (e: Error) => void
}

type Request = ToTokenizeWorker extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never

class TokenizeWorker {
  private readonly worker: Worker
  private readonly pending = new Map<number, Waiter>()
  private nextId = 1
  private idle: ReturnType<typeof setTimeout> | null = null
  private failure: Error | null = null

  constructor(private readonly onGone: () => void) {
    const entry = workerStart('tokenize-worker')
    this.worker = new Worker(entry.file, {
      ...(entry.workerData === undefined ? {} : { workerData: entry.workerData }),
      // Tokenizing makes short-lived strings at a high rate: left to grow, the worker's young generation
      // took up to 16 MB more RSS during a 40 MB import than with this cap, at the same speed.
      resourceLimits: { maxYoungGenerationSizeMb: 4 }
    })
    this.worker.unref()
    this.worker.on('message', (m: FromTokenizeWorker) => this.onMessage(m))
    this.worker.on('error', (err) => this.fail(new Error(`the datasets worker failed: ${err.message}`)))
    this.worker.on('exit', (code) => this.fail(new Error(`the datasets worker stopped (exit code ${code})`)))
  }

  request(message: Request): Promise<FromTokenizeWorker> {
    if (this.failure) return Promise.reject(this.failure)
    const id = this.nextId++
    if (this.idle) clearTimeout(this.idle)
    this.idle = null
    if (this.pending.size === 0) this.worker.ref()
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage({ ...message, id } as ToTokenizeWorker)
    })
  }

  private onMessage(m: FromTokenizeWorker): void {
    const waiter = this.pending.get(m.id)
    this.pending.delete(m.id)
    this.settled()
    if (m.kind === 'error') waiter?.reject(new Error(m.message))
    else waiter?.resolve(m)
  }

  private settled(): void {
    if (this.pending.size > 0) return
    this.worker.unref()
    this.idle = setTimeout(() => void this.stop(), IDLE_MS)
    this.idle.unref()
  }

  stop(): Promise<number> {
    this.fail(new Error('the datasets worker was stopped'))
    return this.worker.terminate()
  }

  private fail(err: Error): void {
    if (this.failure) return
    this.failure = err
    if (this.idle) clearTimeout(this.idle)
    this.onGone()
    for (const waiter of this.pending.values()) waiter.reject(err)
    this.pending.clear()
  }
}

let shared: TokenizeWorker | null = null

function worker(): TokenizeWorker {
  if (!shared) {
    const created: TokenizeWorker = new TokenizeWorker(() => {
      if (shared === created) shared = null
    })
    shared = created
  }
  return shared
}

export function recordProcessor(settings: ProcessSettings, tokenizer: TextTokenizer): RecordBatchProcessor {
  const picked: ProcessSettings = {
    template: settings.template,
    trainOnPrompt: settings.trainOnPrompt,
    maxLength: settings.maxLength,
    textMode: settings.textMode,
    overlap: settings.overlap,
    overlong: settings.overlong
  }
  const source = tokenizer.source
  if (!source) return inlineProcessor(picked, tokenizer)
  return {
    process: async (records) => {
      const reply = await worker().request({ kind: 'batch', source, settings: picked, records })
      if (reply.kind !== 'result')
        throw new Error(`internal: the datasets worker answered ${reply.kind} to a batch`)
      return reply.result
    }
  }
}

/** Writes a sample dataset's file (see sample-files.ts) in the worker thread. */
export async function writeSampleInWorker(sample: SampleName, path: string): Promise<void> {
  await worker().request({ kind: 'sample', sample, path })
}
