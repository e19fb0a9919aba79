// Picks the reader for a file by its kind: the one entry point the import, inspection and preview use.
import { readCsv } from './csv-source'
import { readJson } from './json-source'
import { readJsonl } from './jsonl-source'
import { readParquet } from './parquet-source'
import type { ReadOptions, SourceFile, SourceItem, SourceKind, SourceReader } from './source-types'
import { readText } from './text-source'

const readers: Record<SourceKind, SourceReader> = {
  json: readJson,
  jsonl: readJsonl,
  csv: readCsv,
  tsv: readCsv,
  text: readText,
  parquet: readParquet
}

export function readSource(file: SourceFile, options: ReadOptions): AsyncGenerator<SourceItem> {
  return readers[file.kind](file, options)
}
