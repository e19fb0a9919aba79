// Shared by the dataset tests: a scratch folder per test file and a quick way to read a whole source.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { readSource } from '../../../src/main/datasets/sources/read-source'
import { kindOfPath } from '../../../src/main/datasets/sources/folder-source'
import {
  defaultLimits,
  type SourceItem,
  type SourceLimits
} from '../../../src/main/datasets/sources/source-types'

export function scratchDir(prefix: string): {
  dir: string
  write(rel: string, data: string | Uint8Array): string
  remove(): void
} {
  const dir = mkdtempSync(join(tmpdir(), `lora-ds-${prefix}-`))
  return {
    dir,
    write(rel, data) {
      const path = join(dir, rel)
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, data)
      return path
    },
    remove: () => rmSync(dir, { recursive: true, force: true })
  }
}

export async function readAll(
  path: string,
  display: string,
  limits: SourceLimits = defaultLimits
): Promise<SourceItem[]> {
  const kind = kindOfPath(path)
  if (!kind) throw new Error(`no reader for ${path}`)
  const { statSync } = await import('node:fs')
  const items: SourceItem[] = []
  for await (const item of readSource({ path, display, bytes: statSync(path).size, kind }, { limits }))
    items.push(item)
  return items
}

export function messages(items: SourceItem[]): string[] {
  return items.flatMap((i) => (i.type === 'problem' ? [i.problem.message] : []))
}

export function values(items: SourceItem[]): unknown[] {
  return items.flatMap((i) => (i.type === 'record' ? [i.value] : []))
}
