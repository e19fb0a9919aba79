// Messages between main and the datasets worker thread (tokenize-worker.ts): batches of an import's
// records to tokenize (each names its tokenizer and settings, so one worker serves every import) and
// the sample files to generate (the CWE catalogue is a few MB of JSON to parse).
import type { BatchResult, ProcessSettings } from './record-batches'
import type { LocatedRecord } from './record-stream'
import type { SampleName } from './sample-files'
import type { TokenizerSource } from './text-tokenizer'

export type ToTokenizeWorker =
  | {
      kind: 'batch'
      id: number
      source: TokenizerSource
      settings: ProcessSettings
      records: LocatedRecord[]
    }
  | { kind: 'sample'; id: number; sample: SampleName; path: string }

export type FromTokenizeWorker =
  | { kind: 'result'; id: number; result: BatchResult }
  | { kind: 'written'; id: number }
  | { kind: 'error'; id: number; message: string }
