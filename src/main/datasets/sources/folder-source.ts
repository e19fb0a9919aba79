// Turns the paths the user chose (files and folders, searched recursively) into the list of files to
// read, each with the name messages will use; checks they exist and are readable first.
import { constants } from 'node:fs'
import { access, readdir, stat } from 'node:fs/promises'
import { basename, extname, join, relative, sep } from 'node:path'
import { ServiceError } from '../../../shared/errors'
import type { SourceFile, SourceKind } from './source-types'

const kindByExtension: Record<string, SourceKind> = {
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.txt': 'text',
  '.md': 'text',
  '.markdown': 'text',
  '.parquet': 'parquet'
}

export const supportedExtensions = Object.keys(kindByExtension)

export function kindOfPath(path: string): SourceKind | null {
  return kindByExtension[extname(path).toLowerCase()] ?? null
}

export interface ResolvedSources {
  files: SourceFile[]
  /** Files inside chosen folders that were passed over, by extension. */
  skipped: Record<string, number>
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const out: string[] = []
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue
    const full = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await walk(full)))
    else if (entry.isFile()) out.push(full)
  }
  return out
}

export async function resolveSources(paths: string[]): Promise<ResolvedSources> {
  const files: SourceFile[] = []
  const skipped: Record<string, number> = {}
  for (const path of paths) {
    const info = await stat(path).catch(() => null)
    if (!info) {
      // The field shows the issue alone: it says as much as the message.
      const message = `"${path}" does not exist; check the path or choose the file again.`
      throw new ServiceError('not_found', message, [{ path: 'paths', message }])
    }
    try {
      await access(path, constants.R_OK)
    } catch {
      const message = `"${path}" cannot be read; check its permissions.`
      throw new ServiceError('forbidden', message, [{ path: 'paths', message }])
    }
    if (info.isDirectory()) {
      for (const full of await walk(path)) {
        const kind = kindOfPath(full)
        if (!kind) {
          const ext = extname(full).toLowerCase() || '(none)'
          skipped[ext] = (skipped[ext] ?? 0) + 1
          continue
        }
        const display = [basename(path), ...relative(path, full).split(sep)].join('/')
        files.push({ path: full, display, bytes: (await stat(full)).size, kind })
      }
    } else {
      const kind = kindOfPath(path)
      if (!kind) {
        const message = `"${basename(path)}" is not a supported file; choose ${supportedExtensions.join(', ')} files or a folder of them.`
        throw new ServiceError('invalid_input', message, [{ path: 'paths', message }])
      }
      files.push({ path, display: basename(path), bytes: info.size, kind })
    }
  }
  if (files.length === 0) {
    throw new ServiceError(
      'invalid_input',
      `No supported files found in ${paths.join(', ')}; the app reads ${supportedExtensions.join(', ')}.`
    )
  }
  return { files, skipped }
}
