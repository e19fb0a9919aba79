// Messages between imports (main) and the tokenizing worker thread (tokenize-worker.ts). Each batch
// names its tokenizer and settings, so one worker serves every import, one batch at a time.
import type { BatchResult, ProcessSettings } from './record-batches'
import type { LocatedRecord } from './record-stream'
import type { TokenizerSource } from './text-tokenizer'

export interface TokenizeBatch {
  id: number
  source: TokenizerSource
  settings: ProcessSettings
  records: LocatedRecord[]
}

export type FromTokenizeWorker =
  { kind: 'result'; id: number; result: BatchResult } | { kind: 'error'; id: number; message: string }
