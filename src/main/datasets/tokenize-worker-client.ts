// Main's side of an import's tokenizing worker thread: one worker per import, started with the
// import's tokenizer source and settings, sent batches in turn, ended when the import ends. A
// tokenizer with no source (a test's) is run inline instead.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import {
  inlineProcessor,
  type BatchResult,
  type ProcessSettings,
  type RecordBatchProcessor
} from './record-batches'
import type { LocatedRecord } from './record-stream'
import type { TextTokenizer, TokenizerSource } from './text-tokenizer'
import type { FromTokenizeWorker, ToTokenizeWorker } from './tokenize-worker-protocol'

/** From source, the engine's tsx bootstrap runs the .ts entry; built, tokenize-worker.js sits beside main's bundle. */
function workerEntry(): { file: string; workerData?: { tsEntry: string } } {
  const here = fileURLToPath(import.meta.url)
  if (here.endsWith('.ts')) {
    return {
      file: join(dirname(here), '..', '..', 'engine', 'training', 'ts-worker-bootstrap.mjs'),
      workerData: { tsEntry: join(dirname(here), 'tokenize-worker.ts') }
    }
  }
  return { file: join(dirname(here), 'tokenize-worker.js') }
}

class TokenizeWorkerClient implements RecordBatchProcessor {
  private readonly worker: Worker
  private readonly ready: Promise<void>
  private readonly pending = new Map<
    number,
    { resolve: (r: BatchResult) => void; reject: (e: Error) => void }
  >()
  private failure: Error | null = null
  private nextId = 1
  private onReady: { resolve: () => void; reject: (e: Error) => void } | null = null

  constructor(source: TokenizerSource, settings: ProcessSettings) {
    const entry = workerEntry()
    this.worker = new Worker(
      entry.file,
      entry.workerData === undefined ? {} : { workerData: entry.workerData }
    )
    this.ready = new Promise((resolve, reject) => {
      this.onReady = { resolve, reject }
    })
    // Awaited by every batch; a failure before the first must not count as unhandled.
    this.ready.catch(() => undefined)
    this.worker.on('message', (m: FromTokenizeWorker) => this.onMessage(m))
    this.worker.on('error', (err) => this.fail(new Error(`the tokenizing worker failed: ${err.message}`)))
    this.worker.on('exit', (code) =>
      this.fail(new Error(`the tokenizing worker stopped (exit code ${code})`))
    )
    const init: ToTokenizeWorker = { kind: 'init', source, settings }
    this.worker.postMessage(init)
  }

  async process(records: LocatedRecord[]): Promise<BatchResult> {
    await this.ready
    if (this.failure) throw this.failure
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      const message: ToTokenizeWorker = { kind: 'batch', id, records }
      this.worker.postMessage(message)
    })
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the tokenizing worker was stopped')
    await this.worker.terminate()
  }

  private onMessage(m: FromTokenizeWorker): void {
    if (m.kind === 'ready') {
      this.onReady?.resolve()
      this.onReady = null
      return
    }
    const id = m.id
    if (id === null) {
      this.fail(new Error(`the tokenizer cannot be built: ${m.kind === 'error' ? m.message : ''}`))
      return
    }
    const waiter = this.pending.get(id)
    this.pending.delete(id)
    if (m.kind === 'result') waiter?.resolve(m.result)
    else waiter?.reject(new Error(m.message))
  }

  private fail(err: Error): void {
    if (this.failure) return
    this.failure = err
    this.onReady?.reject(err)
    this.onReady = null
    for (const waiter of this.pending.values()) waiter.reject(err)
    this.pending.clear()
  }
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
  return tokenizer.source
    ? new TokenizeWorkerClient(tokenizer.source, picked)
    : inlineProcessor(picked, tokenizer)
}
