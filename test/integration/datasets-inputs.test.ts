// Inputs the datasets API refuses at the door: a record search too long for SQLite's LIKE is a field
// error (not `internal`), wildcards in a search are literal, and a dataset name is unique even when
// imports with one name run at the same time; databases that already hold duplicates are renamed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiRouter } from '../../src/main/api-router'
import { openDatabase, nowIso } from '../../src/main/store/database'
import { migrate } from '../../src/main/store/migrate'
import { migrations } from '../../src/main/store/migrations'
import { openStore, type Store } from '../../src/main/store/store'
import type { ApiHandlers } from '../../src/shared/contract'
import { ImportInput } from '../../src/shared/datasets'
import { openDatasetService } from '../support/dataset-service'

let root: string
let store: Store
let service: ApiHandlers['datasets']
let file: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'lora-ds-inputs-'))
  const opened = openDatasetService(join(root, 'data'))
  store = opened.store
  service = opened.service
  file = join(root, 'a.jsonl')
  writeFileSync(
    file,
    [
      { instruction: 'Say 100% sure', output: 'yes' },
      { instruction: 'Say 100 sure', output: 'no' },
      { instruction: 'snake_case', output: 'ok' },
      { instruction: 'snakeXcase', output: 'ok' }
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n'
  )
})

afterAll(() => {
  store.close()
  rmSync(root, { recursive: true, force: true })
})

describe('record search', () => {
  it('refuses a 50 KB search with a field error naming search, not an internal error', async () => {
    const d = await service.import(ImportInput.parse({ name: 'search me', paths: [file] }))
    const router = createApiRouter({ datasets: service } as unknown as ApiHandlers)
    const result = await router.call('datasets.records', { id: d.id, search: 'x'.repeat(50_000) })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('invalid_input')
    expect(result.error.issues).toEqual([
      { path: 'search', message: 'Search for at most 200 characters', rule: { code: 'tooLong', max: 200 } }
    ])

    const ok = await router.call('datasets.records', { id: d.id, search: 'y'.repeat(200) })
    expect(ok).toEqual({ ok: true, value: { total: 0, offset: 0, items: [] } })
  })

  it('matches % and _ literally', async () => {
    const d = (await service.list({})).find((x) => x.name === 'search me')!
    const percent = await service.records({ id: d.id, offset: 0, limit: 10, search: '100%' })
    expect(percent.items.map((r) => r.record)).toEqual([
      { kind: 'instruction', instruction: 'Say 100% sure', input: '', output: 'yes' }
    ])
    const underscore = await service.records({ id: d.id, offset: 0, limit: 10, search: 'snake_' })
    expect(underscore.total).toBe(1)
  })
})

describe('dataset names', () => {
  it('lets only one of three concurrent imports with one name save, and tells the others why', async () => {
    const request = ImportInput.parse({ name: 'same', paths: [file] })
    const results = await Promise.allSettled([
      service.import(request),
      service.import(request),
      service.import(request)
    ])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected', 'rejected'])
    for (const r of results) {
      if (r.status === 'rejected') {
        expect(r.reason).toMatchObject({
          code: 'conflict',
          message: 'A dataset named "same" already exists; choose another name.',
          issues: [{ path: 'name', message: 'already used' }]
        })
      }
    }
    expect((await service.list({})).filter((d) => d.name === 'same')).toHaveLength(1)
    const n = store.db.prepare("select count(*) as n from datasets where name = 'same'").get() as {
      n: number
    }
    expect(n.n).toBe(1)
  })

  it('renames datasets that already share a name when the database is upgraded', () => {
    const path = join(root, 'old', 'studio.db')
    const db = openDatabase(path)
    migrate(db, migrations.slice(0, 3))
    const insert = db.prepare(
      `insert into datasets (name, format, settings_json, created_at) values (?, 'text', '{}', ?)`
    )
    for (const name of ['cwe', 'cwe', 'cwe (2)', 'cwe', 'other']) insert.run(name, nowIso())
    db.close()

    const upgraded = openStore(path)
    try {
      const names = upgraded.db.prepare('select name from datasets order by id').all() as { name: string }[]
      expect(names.map((r) => r.name)).toEqual(['cwe', 'cwe (3)', 'cwe (2)', 'cwe (4)', 'other'])
      expect(() =>
        upgraded.db
          .prepare(
            `insert into datasets (name, format, settings_json, created_at) values ('other', 'text', '{}', ?)`
          )
          .run(nowIso())
      ).toThrow(/UNIQUE/)
    } finally {
      upgraded.close()
    }
  })
})
