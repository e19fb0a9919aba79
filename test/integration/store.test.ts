// The SQLite store against real database files: WAL and foreign keys on, migrations recorded and
// idempotent, a failing migration leaves the database at its previous version, repositories round-trip.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrations } from '../../src/main/store/migrations'
import type { Migration } from '../../src/main/store/migrations/migration'
import { openStore, type Store } from '../../src/main/store/store'

let dir: string
let dbPath: string
const opened: Store[] = []
const latest = migrations.length

function open(list?: readonly Migration[]): Store {
  const store = openStore(dbPath, list ? { migrations: list } : {})
  opened.push(store)
  return store
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lora-store-'))
  dbPath = join(dir, 'studio.db')
})

afterEach(() => {
  for (const store of opened.splice(0)) store.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('opening and migrating', () => {
  it('creates the schema in WAL mode with foreign keys on and records the migration', () => {
    const store = open()
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(store.db.pragma('user_version', { simple: true })).toBe(latest)
    expect(store.migration).toEqual({
      from: 0,
      to: latest,
      applied: migrations.map((m) => ({ version: m.version, name: m.name }))
    })
    expect(store.migration.applied[0]).toEqual({ version: 1, name: 'initial schema' })
    const tables = store.db
      .prepare("select name from sqlite_master where type = 'table' order by name")
      .pluck()
      .all()
    expect(tables).toEqual(
      expect.arrayContaining([
        'chat_messages',
        'chats',
        'checkpoints',
        'dataset_records',
        'datasets',
        'metrics',
        'models',
        'runs',
        'schema_migrations',
        'settings'
      ])
    )
    expect(store.sqliteVersion()).toMatch(/^3\.\d+\.\d+$/)
    expect(store.sizeBytes()).toBeGreaterThan(4096)
  })

  it('applies nothing the second time and keeps the data', () => {
    open().settings.set('language', 'zh-CN')
    opened.pop()?.close()
    const again = open()
    expect(again.migration).toEqual({ from: latest, to: latest, applied: [] })
    expect(again.db.prepare('select count(*) from schema_migrations').pluck().get()).toBe(latest)
    expect(again.settings.get('language')).toBe('zh-CN')
  })

  it('rolls back a failing migration and leaves the database at the previous version', () => {
    const broken: Migration = {
      version: latest + 1,
      name: 'half-done change',
      up(db) {
        db.exec('create table half_done (id integer primary key)')
        db.exec('insert into no_such_table values (1)')
      }
    }
    expect(() => open([...migrations, broken])).toThrow(
      `Database migration ${String(latest + 1).padStart(3, '0')} (half-done change) failed: ` +
        `no such table: no_such_table. The database was left at version ${latest}, unchanged by it`
    )
    const store = open()
    expect(store.db.pragma('user_version', { simple: true })).toBe(latest)
    expect(
      store.db.prepare("select count(*) from sqlite_master where name = 'half_done'").pluck().get()
    ).toBe(0)
    expect(store.db.prepare('select version from schema_migrations').pluck().all()).toEqual(
      migrations.map((m) => m.version)
    )
  })

  it('refuses migrations listed out of order and a database newer than the app', () => {
    const misnumbered: Migration = { version: latest + 2, name: 'skips one', up: () => undefined }
    expect(() => open([...migrations, misnumbered])).toThrow(
      `Migration "skips one" has version ${latest + 2} but is listed at position ${latest + 1}`
    )
    const later: Migration = { version: latest + 1, name: 'from the future', up: () => undefined }
    open([...migrations, later])
    opened.pop()?.close()
    expect(() => open()).toThrow(
      `The database is at schema version ${latest + 1}, newer than this LoRA Studio knows (${latest}); ` +
        'update LoRA Studio, or use another data folder'
    )
  })
})

describe('repositories', () => {
  it('stores settings as JSON values', () => {
    const { settings } = open()
    settings.setMany({ language: 'en', theme: 'dark', recent: [1, 2] })
    settings.set('theme', 'light')
    expect(settings.all()).toEqual({ language: 'en', theme: 'light', recent: [1, 2] })
    expect(settings.get('missing')).toBeUndefined()
  })

  it('keeps a run with its config, merges train and eval metrics per step, and cascades on delete', () => {
    const store = open()
    const run = store.runs.create({
      name: 'r16',
      config: { lora: { r: 16 } },
      baseModel: 'gpt2',
      totalSteps: 100
    })
    expect(run).toMatchObject({
      status: 'queued',
      step: 0,
      notes: '',
      config: { lora: { r: 16 } },
      backend: null
    })
    const started = store.runs.update(run.id, {
      status: 'running',
      backend: 'wasm',
      startedAt: '2026-01-01T00:00:00.000Z'
    })
    expect(started).toMatchObject({
      status: 'running',
      backend: 'wasm',
      startedAt: '2026-01-01T00:00:00.000Z'
    })

    store.runs.recordMetrics(run.id, [
      { step: 1, epoch: 0.01, trainLoss: 3.5, learningRate: 5e-5, gradNorm: 1.25, elapsedS: 2 },
      { step: 2, epoch: 0.02, trainLoss: 3.25, learningRate: 4.9e-5, elapsedS: 4 }
    ])
    store.runs.recordMetric(run.id, { step: 2, evalLoss: 3.0, perplexity: Math.exp(3) })
    const metrics = store.runs.metrics(run.id)
    expect(metrics).toHaveLength(2)
    expect(metrics[1]).toMatchObject({
      step: 2,
      trainLoss: 3.25,
      evalLoss: 3.0,
      learningRate: 4.9e-5,
      gradNorm: null
    })
    expect(metrics[1].perplexity).toBeCloseTo(20.0855, 4)
    expect(store.runs.metrics(run.id, 1).map((m) => m.step)).toEqual([2])
    expect(store.runs.lastMetric(run.id)?.step).toBe(2)

    store.runs.addCheckpoint({
      runId: run.id,
      step: 2,
      path: '/x/step-2',
      reason: 'periodic',
      trainLoss: 3.25
    })
    expect(store.runs.checkpoints(run.id).map((c) => [c.step, c.reason])).toEqual([[2, 'periodic']])

    expect(() => store.runs.update(run.id, { status: 'exploded' as never })).toThrow(
      /CHECK constraint failed/
    )
    expect(store.runs.delete(run.id)).toBe(true)
    expect(store.db.prepare('select count(*) from metrics').pluck().get()).toBe(0)
    expect(store.db.prepare('select count(*) from checkpoints').pluck().get()).toBe(0)
  })

  it('imports a dataset with its records all at once, or not at all', () => {
    const store = open()
    const record = (ordinal: number, split: 'train' | 'validation' = 'train') => ({
      ordinal,
      split,
      location: { file: 'notes.jsonl', line: ordinal + 1 },
      record: { kind: 'text', text: `doc ${ordinal}` },
      tokens: 10 + ordinal,
      trainedTokens: 10 + ordinal
    })
    const ds = store.datasets.createWithRecords(
      { name: 'notes', format: 'text', settings: { maxLength: 1024 }, sources: ['notes.jsonl'] },
      [record(0), record(1), record(2, 'validation')]
    )
    expect(ds).toMatchObject({ recordCount: 3, trainCount: 2, validationCount: 1, totalTokens: 33 })
    expect(store.datasets.records(ds.id, { split: 'train', limit: 1, offset: 1 })[0].record).toEqual({
      kind: 'text',
      text: 'doc 1'
    })
    expect(store.datasets.countRecords(ds.id, 'validation')).toBe(1)

    expect(() =>
      store.datasets.createWithRecords({ name: 'broken', format: 'text', settings: {}, sources: [] }, [
        record(0),
        record(0)
      ])
    ).toThrow(/UNIQUE constraint failed/)
    expect(store.datasets.list().map((d) => d.name)).toEqual(['notes'])
    expect(store.db.prepare('select count(*) from dataset_records').pluck().get()).toBe(3)
  })

  it('keeps chats with their messages in order', () => {
    const store = open()
    const model = store.models.create({ name: 'gpt2-tiny', path: '/m/gpt2-tiny', source: 'created' })
    const chat = store.chats.create({ title: 'Test', modelId: model.id, options: { temperature: 0.7 } })
    store.chats.addMessage(chat.id, 'user', 'Explain CWE-121')
    const answer = store.chats.addMessage(chat.id, 'assistant', '')
    store.chats.updateMessage(answer.id, 'A stack-based buffer overflow…', { tokens: 7 })
    expect(store.chats.messages(chat.id).map((m) => [m.role, m.content, m.meta])).toEqual([
      ['user', 'Explain CWE-121', null],
      ['assistant', 'A stack-based buffer overflow…', { tokens: 7 }]
    ])
    expect(store.chats.update(chat.id, { title: 'CWE' })).toMatchObject({ title: 'CWE', modelId: model.id })
    expect(store.models.delete(model.id)).toBe(true)
    expect(store.chats.get(chat.id)?.modelId).toBeNull()
    store.chats.delete(chat.id)
    expect(store.db.prepare('select count(*) from chat_messages').pluck().get()).toBe(0)
  })
})
