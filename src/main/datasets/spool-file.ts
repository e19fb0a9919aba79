// A temporary JSON-lines file holding an import's records between reading (async, streamed) and
// writing them to SQLite; its name carries the importing process's pid. It is removed when the import
// ends, however it ends, and when the process exits (SIGINT/SIGTERM handlers end in an exit); what a
// killed process leaves is swept at the next start (import-leftovers.ts).
import { randomBytes } from 'node:crypto'
import { closeSync, createWriteStream, mkdirSync, openSync, readSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { once } from 'node:events'
import { StringDecoder } from 'node:string_decoder'

/** Under V8's large-object size, so each chunk's text is young garbage, not old-space garbage. */
const READ_CHUNK_BYTES = 64 * 1024

const SPOOL_NAME = /^import-(\d+)-[0-9a-f]+\.jsonl\.partial$/

/** The pid of the process that owns a spool file, from its name; null for any other file. */
export function spoolOwner(fileName: string): number | null {
  const match = SPOOL_NAME.exec(fileName)
  return match ? Number(match[1]) : null
}

/** This process's spool files, removed synchronously at exit if an import is still running. */
const live = new Set<string>()
let exitHook = false

function track(path: string): void {
  live.add(path)
  if (exitHook) return
  exitHook = true
  process.on('exit', () => {
    for (const p of live) rmSync(p, { force: true })
  })
}

export class SpoolFile<T> {
  readonly path: string
  private readonly out
  count = 0

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true })
    this.path = join(dir, `import-${process.pid}-${randomBytes(6).toString('hex')}.jsonl.partial`)
    track(this.path)
    this.out = createWriteStream(this.path)
  }

  async write(value: T): Promise<void> {
    this.count++
    if (!this.out.write(JSON.stringify(value) + '\n')) await once(this.out, 'drain')
  }

  async close(): Promise<void> {
    if (this.out.closed) return
    this.out.end()
    await once(this.out, 'close')
  }

  /** Reads the values back in order, synchronously (for use inside a SQLite transaction). */
  *readSync(): Generator<T> {
    const fd = openSync(this.path, 'r')
    try {
      const chunk = Buffer.alloc(READ_CHUNK_BYTES)
      const decoder = new StringDecoder('utf8')
      let pending = ''
      for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
        const text = pending + decoder.write(chunk.subarray(0, n))
        const lines = text.split('\n')
        pending = lines.pop() ?? ''
        for (const line of lines) if (line) yield JSON.parse(line) as T
      }
      if (pending) yield JSON.parse(pending) as T
    } finally {
      closeSync(fd)
    }
  }

  async remove(): Promise<void> {
    await this.close().catch(() => undefined)
    rmSync(this.path, { force: true })
    live.delete(this.path)
  }
}
