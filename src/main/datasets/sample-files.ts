// The sample datasets' files: which CWE rows each holds, its name and format, and how it is written
// (JSON lines under a temporary name, then renamed, so a crash never leaves half of it). Generating
// them parses the CWE catalogue (~100-200 ms), so the datasets worker thread does it, not main.
import { renameSync, writeFileSync } from 'node:fs'
import { cweCorpus, cweInstructions } from './sample-cwe'

export const samples = {
  'cwe-instructions': {
    name: 'CWE weaknesses (instructions)',
    file: 'cwe-instructions.jsonl',
    rows: () => cweInstructions(),
    format: 'instruction' as const
  },
  'cwe-corpus': {
    name: 'CWE weaknesses (corpus)',
    file: 'cwe-corpus.jsonl',
    rows: () => cweCorpus(),
    format: 'text' as const
  }
}

/** The shared schema's SampleKind values. */
export type SampleName = keyof typeof samples

export function writeSampleFile(kind: SampleName, path: string): void {
  const text =
    samples[kind]
      .rows()
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n'
  const temp = `${path}.${process.pid}.tmp`
  writeFileSync(temp, text)
  renameSync(temp, path)
}
