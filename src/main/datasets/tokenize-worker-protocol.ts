// Messages between an import (main) and its tokenizing worker thread (tokenize-worker.ts).
import type { BatchResult, ProcessSettings } from './record-batches'
import type { LocatedRecord } from './record-stream'
import type { TokenizerSource } from './text-tokenizer'

export type ToTokenizeWorker =
  | { kind: 'init'; source: TokenizerSource; settings: ProcessSettings }
  | { kind: 'batch'; id: number; records: LocatedRecord[] }

export type FromTokenizeWorker =
  | { kind: 'ready' }
  | { kind: 'result'; id: number; result: BatchResult }
  /** `id` null: the worker could not start (its tokenizer cannot be built). */
  | { kind: 'error'; id: number | null; message: string }
