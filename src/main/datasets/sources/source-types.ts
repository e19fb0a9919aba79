// What every file reader yields: parsed values with their location, or problems, so the import,
// inspection and preview treat JSON, JSONL, CSV, text and Parquet files alike.
import type { DatasetProblem, SourceLocation } from '../../../shared/datasets'

export type SourceKind = 'json' | 'jsonl' | 'csv' | 'tsv' | 'text' | 'parquet'

export interface SourceFile {
  /** Absolute path on disk. */
  path: string
  /** How messages name it: relative to the folder the user chose, or the file name. */
  display: string
  bytes: number
  kind: SourceKind
}

export type SourceItem =
  { type: 'record'; value: unknown; location: SourceLocation } | { type: 'problem'; problem: DatasetProblem }

export interface SourceLimits {
  /** Largest single record (a JSONL line, a CSV row, a text file). */
  maxRecordBytes: number
  /** Largest file read whole (.json, .parquet metadata aside); JSONL and CSV stream any size. */
  maxWholeFileBytes: number
}

export const defaultLimits: SourceLimits = {
  maxRecordBytes: 16 * 1024 * 1024,
  maxWholeFileBytes: 256 * 1024 * 1024
}

export interface ReadOptions {
  limits: SourceLimits
  /** Called with the bytes consumed so far in this file, for progress. */
  onBytes?: (bytesRead: number) => void
}

export type SourceReader = (file: SourceFile, options: ReadOptions) => AsyncGenerator<SourceItem>
