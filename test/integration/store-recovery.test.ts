// A damaged studio.db against real files: a file cut mid-way, a page overwritten and a corruption met
// at query time are all named (file + way out); a lost database is not silently replaced while runs/
// and models/ hold data; backups rotate, and restoring keeps the replaced file aside.
import Database from 'better-sqlite3'
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { prepareDataDir, type DataPaths } from '../../src/main/data-dir'
import { toErrorPayload } from '../../src/shared/errors'
import { createBackup, listBackups } from '../../src/main/store/backups'
import { DatabaseDamagedError, withDamageReport } from '../../src/main/store/damaged-database'
import { guardFreshStart } from '../../src/main/store/fresh-start-guard'
import { restoreDatabase } from '../../src/main/store/restore-database'
import { openStore, type Store } from '../../src/main/store/store'

let paths: DataPaths
const opened: Store[] = []

function open(): Store {
  const store = openStore(paths.database)
  opened.push(store)
  return store
}

/** A store with one dataset of 3000 records (~5 MB) and a run with 2000 metric rows, closed. */
function fillDatabase(): void {
  const store = openStore(paths.database)
  store.db.exec(
    "insert into datasets (name, format, settings_json, created_at) values ('notes', 'text', '{}', 't')"
  )
  const insert = store.db.prepare(
    "insert into dataset_records (dataset_id, ordinal, location_json, record_json) values (1, ?, '{}', ?)"
  )
  store.transaction(() => {
    for (let i = 0; i < 3000; i++) insert.run(i, JSON.stringify({ text: `record ${i} ${'y'.repeat(1500)}` }))
  })
  const run = store.runs.create({
    name: 'r',
    config: {} as never,
    baseModel: 'm',
    datasetId: null,
    parentRunId: null,
    estimate: null as never
  })
  store.runs.recordMetrics(
    run.id,
    Array.from({ length: 2000 }, (_, i) => ({ step: i + 1, trainLoss: 1 / (i + 1) }))
  )
  store.close()
}

function overwritePage(path: string, page: number): void {
  const fd = openSync(path, 'r+')
  writeSync(fd, Buffer.alloc(4096, 0xff), 0, 4096, 4096 * page)
  closeSync(fd)
}

beforeEach(() => {
  paths = prepareDataDir(mkdtempSync(join(tmpdir(), 'lora-recovery-')))
})

afterEach(() => {
  for (const store of opened.splice(0)) store.close()
  rmSync(paths.root, { recursive: true, force: true })
})

describe('a damaged database is named when the store opens', () => {
  it('a file cut mid-way fails with the file, the cause and the way out', () => {
    fillDatabase()
    truncateSync(paths.database, Math.floor(statSync(paths.database).size / 2))
    let error: unknown
    try {
      open()
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(DatabaseDamagedError)
    const payload = toErrorPayload(error)
    expect(payload.code).toBe('database_damaged')
    expect(payload.message).toContain(`The database ${paths.database} is damaged (`)
    expect(payload.message).toContain('lora-studio restore-db --latest')
    expect(payload.message).toContain('Settings → Backups')
  })

  it('one overwritten page in the middle is found by the integrity check at open', () => {
    fillDatabase()
    const pages = statSync(paths.database).size / 4096
    overwritePage(paths.database, Math.floor(pages / 2))
    expect(() => open()).toThrow(DatabaseDamagedError)
    expect(() => open()).toThrow(/integrity check|malformed/)
  })

  it('a file that is not a database at all is named too', () => {
    writeFileSync(paths.database, 'x'.repeat(8192))
    expect(() => open()).toThrow(`The database ${paths.database} is damaged (file is not a database)`)
  })

  it('a healthy database opens after a full quick_check that takes well under 200 ms', () => {
    fillDatabase()
    const store = open()
    expect(store.integrity.kind).toBe('quick_check')
    expect(store.integrity.ms).toBeLessThan(200)
    expect(store.runs.metrics(1)).toHaveLength(2000)
  })

  it('a corruption met later, in a query, answers database_damaged naming the file rather than internal', async () => {
    fillDatabase()
    const pages = statSync(paths.database).size / 4096
    overwritePage(paths.database, Math.floor(pages / 2))
    // Opened without the check, as a running app would hold it when the damage happens.
    const raw = new Database(paths.database)
    const handlers = withDamageReport(
      { datasets: { records: async () => raw.prepare('select record_json from dataset_records').all() } },
      paths.database
    )
    const failure = await handlers.datasets.records().catch((err: unknown) => err)
    raw.close()
    expect(toErrorPayload(failure)).toMatchObject({ code: 'database_damaged' })
    expect((failure as Error).message).toContain(
      `The database ${paths.database} is damaged (database disk image is malformed)`
    )
  })
})

describe('a lost database is not replaced by an empty one without asking', () => {
  it('refuses a 0-byte studio.db while runs/ holds a run, and starts fresh only when asked', () => {
    writeFileSync(paths.database, '')
    mkdirSync(join(paths.runs, '1', 'data'), { recursive: true })
    writeFileSync(join(paths.runs, '1', 'data', 'train.jsonl'), '{}\n')
    expect(() => guardFreshStart(paths, false)).toThrow(
      `The database ${paths.database} is empty (0 bytes), but ${paths.runs} holds data from earlier use`
    )
    expect(() => guardFreshStart(paths, false)).toThrow('--start-fresh')
    expect(() => guardFreshStart(paths, true)).not.toThrow()
  })

  it('refuses a missing studio.db while models/ holds a model, pointing at the latest backup', async () => {
    fillDatabase()
    const store = open()
    await createBackup(store.db, paths.backups)
    store.close()
    rmSync(paths.database)
    mkdirSync(join(paths.models, 'tiny'))
    expect(() => guardFreshStart(paths, false)).toThrow(
      /is missing, but .*models holds data.*Restore the latest of 1 backup with `lora-studio restore-db --latest`/
    )
  })

  it('lets a first start in an empty data folder through', () => {
    expect(() => guardFreshStart(paths, false)).not.toThrow()
  })
})

describe('backups', () => {
  it('are complete copies, made under a temporary name, and only the newest five are kept', async () => {
    fillDatabase()
    const store = open()
    const made = []
    for (let i = 0; i < 7; i++)
      made.push(await createBackup(store.db, paths.backups, { now: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) }))
    const kept = listBackups(paths.backups)
    expect(kept.map((b) => b.file)).toEqual(
      made
        .slice(2)
        .reverse()
        .map((b) => b.file)
    )
    expect(kept[0].file).toBe('studio-2026-01-01T00-00-06-000Z.db')
    expect(readdirSync(paths.backups).filter((f) => f.includes('.tmp'))).toEqual([])
    const copy = new Database(kept[0].path, { readonly: true })
    expect(copy.prepare('select count(*) from metrics').pluck().get()).toBe(2000)
    expect(copy.prepare('select count(*) from dataset_records').pluck().get()).toBe(3000)
    copy.close()
  })

  it('two backups in the same millisecond both keep their own file', async () => {
    const store = open()
    const now = new Date(Date.UTC(2026, 0, 1))
    const a = await createBackup(store.db, paths.backups, { now })
    const b = await createBackup(store.db, paths.backups, { now })
    expect([a.file, b.file]).toEqual([
      'studio-2026-01-01T00-00-00-000Z.db',
      'studio-2026-01-01T00-00-00-000Z-2.db'
    ])
    expect(listBackups(paths.backups)[0].file).toBe(b.file)
  })
})

describe('restoring a backup', () => {
  it('puts the latest backup in place and keeps the damaged file (and its WAL) aside, byte for byte', async () => {
    fillDatabase()
    const store = open()
    await createBackup(store.db, paths.backups)
    store.close()
    truncateSync(paths.database, Math.floor(statSync(paths.database).size / 2))
    writeFileSync(`${paths.database}-wal`, 'stale wal')
    const damagedBytes = readFileSync(paths.database)
    const result = restoreDatabase(paths, 'latest', new Date(Date.UTC(2026, 11, 6, 10, 0, 0)))
    const aside = `${paths.database}.damaged-2026-12-06T10-00-00-000Z`
    expect(result).toEqual({
      restored: listBackups(paths.backups)[0].path,
      setAside: aside,
      previousDamaged: true
    })
    expect(readFileSync(aside).equals(damagedBytes)).toBe(true)
    expect(readFileSync(`${aside}-wal`, 'utf8')).toBe('stale wal')
    expect(existsSync(`${paths.database}-wal`)).toBe(false)
    const restored = open()
    expect(restored.runs.metrics(1)).toHaveLength(2000)
  })

  it('refuses while another process holds the database open, changing nothing', async () => {
    fillDatabase()
    const store = open()
    await createBackup(store.db, paths.backups)
    // This test's own connection stands in for another LoRA Studio: SQLite's lock is what is checked.
    const before = readdirSync(paths.root).sort()
    expect(() => restoreDatabase(paths, 'latest')).toThrow(`${paths.database} is open in another LoRA Studio`)
    expect(readdirSync(paths.root).sort()).toEqual(before)
  })

  it('refuses a damaged backup and leaves the current file where it is', () => {
    fillDatabase()
    mkdirSync(paths.backups)
    const bad = join(paths.backups, 'studio-2026-01-01T00-00-00-000Z.db')
    writeFileSync(bad, readFileSync(paths.database).subarray(0, 8192 * 4))
    expect(() => restoreDatabase(paths, 'latest')).toThrow(`The backup ${bad} is itself damaged`)
    expect(open().runs.metrics(1)).toHaveLength(2000)
    expect(readdirSync(paths.root).filter((f) => f.startsWith('studio.db.'))).toEqual([])
  })
})

describe('when backups are made', () => {
  it('at start, then after a run ends (not for its metrics), keeping the newest five', async () => {
    const { openAppContext } = await import('../../src/main/app-context')
    const ctx = await openAppContext({ dataDir: paths.root, mode: 'cli' })
    try {
      await ctx.backups.idle()
      expect(listBackups(paths.backups)).toHaveLength(1)
      ctx.events.emit('run.progress', { runId: 1, status: 'running', metric: { step: 1 } as never })
      ctx.events.emit('run.progress', { runId: 1, status: 'running' })
      await ctx.backups.idle()
      expect(listBackups(paths.backups)).toHaveLength(1)
      for (let i = 0; i < 6; i++) {
        ctx.events.emit('run.progress', { runId: 1, status: i % 2 ? 'completed' : 'failed' })
        await ctx.backups.idle()
      }
      expect(listBackups(paths.backups)).toHaveLength(5)
    } finally {
      await ctx.close()
    }
  })
})

describe('restoring from Settings (backups.restore)', () => {
  it('stages the restore, which the next start does before opening the database, and reports it', async () => {
    const { openAppContext } = await import('../../src/main/app-context')
    fillDatabase()
    const first = await openAppContext({ dataDir: paths.root, mode: 'browser' })
    let file: string
    try {
      await first.backups.idle()
      file = listBackups(paths.backups)[0].file
      first.store.db.exec('delete from metrics')
      const refused = await first.router.call('backups.restore', { file: '../studio.db' })
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
      const staged = await first.router.call('backups.restore', { file })
      expect(staged).toMatchObject({ ok: true, value: { pendingRestore: file, lastRestore: null } })
      // Still the open database until the restart.
      expect(first.store.runs.metrics(1)).toHaveLength(0)
    } finally {
      await first.close()
    }
    const second = await openAppContext({ dataDir: paths.root, mode: 'browser' })
    try {
      expect(second.store.runs.metrics(1)).toHaveLength(2000)
      const info = await second.handlers.backups.list({})
      expect(info.pendingRestore).toBeNull()
      expect(info.lastRestore?.ok).toBe(true)
      expect(info.lastRestore?.message).toMatch(
        new RegExp(
          `^Restored .*studio\\.db from ${file.replace(/\./g, '\\.')}\\. The previous file is kept as .*studio\\.db\\.before-restore-`
        )
      )
    } finally {
      await second.close()
    }
  })
})
