// Reads a file that must be parsed whole (.json, .txt, .md), refusing files over the limit with a
// message that says what to do instead, and reporting bytes that are not UTF-8.
import { readFile } from 'node:fs/promises'
import type { DatasetProblem } from '../../../shared/datasets'
import { FatalSourceError, formatBytes, invalidUtf8Problem, makeProblem } from '../problems'
import type { SourceFile } from './source-types'
import { decodeUtf8 } from './utf8'

export async function readWholeText(
  file: SourceFile,
  maxBytes: number,
  advice: string
): Promise<{ text: string; problem: DatasetProblem | null }> {
  if (file.bytes > maxBytes) {
    throw new FatalSourceError(
      makeProblem(
        { file: file.display },
        'file_too_large',
        `file is ${formatBytes(file.bytes)}, over the ${formatBytes(maxBytes)} limit for this kind of file; ${advice}`
      )
    )
  }
  let bytes: Buffer
  try {
    bytes = await readFile(file.path)
  } catch (err) {
    throw new FatalSourceError(
      makeProblem({ file: file.display }, 'unreadable', `cannot be read (${(err as Error).message})`)
    )
  }
  const decoded = decodeUtf8(bytes)
  const problem =
    decoded.invalidBytes > 0 ? invalidUtf8Problem({ file: file.display }, decoded.invalidBytes) : null
  return { text: decoded.text, problem }
}
