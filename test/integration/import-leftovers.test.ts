// An interrupted import leaves nothing behind: `import-dataset` killed with SIGKILL leaves its spool
// file and unfinished dataset, which the next start removes; SIGINT makes it clean up itself and
// fail with a message; closing the app mid-import (quit, Ctrl+C in `serve`) does the same; and what
// belongs to a process that still runs (a second instance importing) is never touched.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openAppContext } from '../../src/main/app-context'
import { nowIso } from '../../src/main/store/database'
import { openStore } from '../../src/main/store/store'
import { createSocketApi, type SocketLike } from '../../src/renderer/api/socket-api'
import { ImportInput } from '../../src/shared/datasets'
import { WebSocket } from 'ws'
import { repoRoot } from './cli-harness'
import { writeReviewJsonl } from '../support/review-jsonl'

const root = mkdtempSync(join(tmpdir(), 'lora-import-leftovers-'))
let big: string

function partials(dataDir: string): string[] {
  const dir = join(dataDir, 'tmp')
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.partial')) : []
}

/** Resolves once the import has spooled some records, i.e. is in the middle of reading. */
async function spooling(dataDir: string, child: ChildProcess): Promise<string> {
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the import ended (code ${child.exitCode}) before it spooled`)
    const [name] = partials(dataDir)
    if (name && statSync(join(dataDir, 'tmp', name)).size > 1024 * 1024) return name
    await new Promise((r) => setTimeout(r, 50))
  }
}

function startImport(dataDir: string, name: string): { child: ChildProcess; stderr: () => string } {
  const child = spawn(
    process.execPath,
    ['bin/lora-studio.mjs', '--data-dir', dataDir, 'import-dataset', big, '--name', name],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let err = ''
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
  return { child, stderr: () => err }
}

function rows(dataDir: string): { name: string; pending_pid: number | null }[] {
  const store = openStore(join(dataDir, 'studio.db'))
  try {
    return store.db.prepare('select name, pending_pid from datasets order by id').all() as {
      name: string
      pending_pid: number | null
    }[]
  } finally {
    store.close()
  }
}

/** A pid that no process has now: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8'
  })
  return Number(child.stdout)
}

beforeAll(async () => {
  big = join(root, 'big.jsonl')
  await writeReviewJsonl(big, 30 * 1024 * 1024)
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('an interrupted import', () => {
  it('killed with SIGKILL leaves a spool file and an unfinished dataset that the next start removes', async () => {
    const dataDir = join(root, 'killed')
    const { child } = startImport(dataDir, 'killed')
    const name = await spooling(dataDir, child)
    child.kill('SIGKILL')
    await once(child, 'exit')
    expect(partials(dataDir)).toEqual([name])
    expect(name).toMatch(new RegExp(`^import-${child.pid}-[0-9a-f]+\\.jsonl\\.partial$`))
    expect(rows(dataDir)).toEqual([{ name: 'killed', pending_pid: child.pid }])

    const ctx = await openAppContext({ dataDir, mode: 'cli' })
    try {
      expect(partials(dataDir)).toEqual([])
      expect(await ctx.handlers.datasets.list({})).toEqual([])
      expect(ctx.store.db.prepare('select count(*) as n from dataset_records').get()).toEqual({ n: 0 })
      expect(ctx.store.datasets.nameTaken('killed')).toBe(false)
    } finally {
      await ctx.close()
    }
  })

  it('stopped with SIGINT removes its spool file and dataset and exits non-zero, saying so', async () => {
    const dataDir = join(root, 'interrupted')
    const { child, stderr } = startImport(dataDir, 'interrupted')
    await spooling(dataDir, child)
    child.kill('SIGINT')
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(code).toBe(1)
    expect(stderr()).toContain('SIGINT: stopping the import…')
    expect(stderr()).toContain('lora-studio: Import of "interrupted" cancelled; nothing was saved.')
    expect(partials(dataDir)).toEqual([])
    expect(rows(dataDir)).toEqual([])
  })

  it('is cancelled and cleaned up when the app closes during it', async () => {
    const dataDir = join(root, 'closed')
    const ctx = await openAppContext({ dataDir, mode: 'browser' })
    const importing = ctx.handlers.datasets.import(ImportInput.parse({ name: 'closed', paths: [big] }))
    importing.catch(() => undefined)
    while (partials(dataDir).length === 0) await new Promise((r) => setTimeout(r, 20))
    await ctx.close()
    await expect(importing).rejects.toMatchObject({
      code: 'cancelled',
      message: 'Import of "closed" cancelled; nothing was saved.'
    })
    expect(partials(dataDir)).toEqual([])
    expect(rows(dataDir)).toEqual([])
  })

  it('in `serve` is cancelled and cleaned up when the server gets SIGTERM', async () => {
    const dataDir = join(root, 'served')
    const webDir = join(root, 'web')
    mkdirSync(webDir, { recursive: true })
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>test</title>')
    const child = spawn(
      process.execPath,
      ['bin/lora-studio.mjs', '--data-dir', dataDir, 'serve', '--port', '0', '--web-dir', webDir, '--json'],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let out = ''
    let err = ''
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
    const started = new Promise<{ url: string; port: number }>((resolvePromise) => {
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('\n'))
          resolvePromise(JSON.parse(out.split('\n')[0]) as { url: string; port: number })
      })
    })
    const { url, port } = await started
    const token = new URL(url).searchParams.get('token')
    const client = createSocketApi({
      url: `ws://127.0.0.1:${port}/api?token=${token}`,
      createSocket: (u) => new WebSocket(u, { origin: `http://127.0.0.1:${port}` }) as unknown as SocketLike
    })
    const importing = client.api.datasets.import(ImportInput.parse({ name: 'served', paths: [big] }))
    importing.catch(() => undefined)
    await spooling(dataDir, child)
    child.kill('SIGTERM')
    const [code] = (await once(child, 'exit')) as [number | null]
    client.close()
    expect({ code, err: err.includes('Stopping LoRA Studio (SIGTERM)') }).toEqual({ code: 0, err: true })
    expect(partials(dataDir)).toEqual([])
    expect(rows(dataDir)).toEqual([])
  })

  it("keeps the spool file and dataset of a process that still runs, and removes a dead one's", async () => {
    const dataDir = join(root, 'shared')
    const tmp = join(dataDir, 'tmp')
    mkdirSync(tmp, { recursive: true })
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
    try {
      const dead = deadPid()
      const liveFile = `import-${live.pid}-0123456789ab.jsonl.partial`
      const deadFile = `import-${dead}-0123456789ab.jsonl.partial`
      writeFileSync(join(tmp, liveFile), '{}\n')
      writeFileSync(join(tmp, deadFile), '{}\n')
      writeFileSync(join(tmp, 'notes.txt'), 'not ours')
      const store = openStore(join(dataDir, 'studio.db'))
      const insert = store.db.prepare(
        `insert into datasets (name, format, settings_json, created_at, pending_pid) values (?, 'text', '{}', ?, ?)`
      )
      insert.run('live import', nowIso(), live.pid)
      const deadId = Number(insert.run('dead import', nowIso(), dead).lastInsertRowid)
      store.db
        .prepare(
          `insert into dataset_records (dataset_id, ordinal, location_json, record_json) values (?, 0, '{}', '{}')`
        )
        .run(deadId)
      store.close()

      const ctx = await openAppContext({ dataDir, mode: 'cli' })
      await ctx.close()
      expect(readdirSync(tmp).sort()).toEqual([liveFile, 'notes.txt'])
      expect(rows(dataDir)).toEqual([{ name: 'live import', pending_pid: live.pid }])
    } finally {
      live.kill()
    }
  })
})
