// Reads a .txt or .md file as one document: the user's write-ups are whole files, and how they are
// cut into training samples is decided later (packing or per-document), not here.
import { formatBytes, makeProblem } from '../problems'
import type { ReadOptions, SourceFile, SourceItem } from './source-types'
import { readWholeText } from './whole-file'

export async function* readText(file: SourceFile, options: ReadOptions): AsyncGenerator<SourceItem> {
  const limit = options.limits.maxRecordBytes
  if (file.bytes > limit) {
    yield {
      type: 'problem',
      problem: makeProblem(
        { file: file.display },
        'record_too_large',
        `document is ${formatBytes(file.bytes)}, over the ${formatBytes(limit)} limit for one record; split it into smaller files`
      )
    }
    return
  }
  const { text, problem } = await readWholeText(file, limit, 'split it into smaller files')
  options.onBytes?.(file.bytes)
  if (problem) yield { type: 'problem', problem }
  yield { type: 'record', value: text, location: { file: file.display } }
}
