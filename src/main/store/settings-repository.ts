// The settings table: one JSON value per key. The settings service decides which keys exist and
// validates their values; this only stores them.
import type { SqliteDatabase } from './database'
import { nowIso } from './database'
import { fromJson, toJson } from './json-column'

export interface SettingsRepository {
  get(key: string): unknown
  set(key: string, value: unknown): void
  setMany(values: Record<string, unknown>): void
  all(): Record<string, unknown>
  delete(key: string): void
}

export function createSettingsRepository(db: SqliteDatabase): SettingsRepository {
  const getOne = db.prepare<[string], { value_json: string }>('select value_json from settings where key = ?')
  const getAll = db.prepare<[], { key: string; value_json: string }>('select key, value_json from settings')
  const upsert = db.prepare<[string, string, string]>(
    `insert into settings (key, value_json, updated_at) values (?, ?, ?)
     on conflict (key) do update set value_json = excluded.value_json, updated_at = excluded.updated_at`
  )
  const remove = db.prepare<[string]>('delete from settings where key = ?')
  const setMany = db.transaction((values: Record<string, unknown>) => {
    const at = nowIso()
    for (const [key, value] of Object.entries(values)) upsert.run(key, toJson(value), at)
  })
  return {
    get(key) {
      const row = getOne.get(key)
      return row ? fromJson(row.value_json, `settings key "${key}"`) : undefined
    },
    set(key, value) {
      upsert.run(key, toJson(value), nowIso())
    },
    setMany(values) {
      setMany(values)
    },
    all() {
      const out: Record<string, unknown> = {}
      for (const row of getAll.all()) out[row.key] = fromJson(row.value_json, `settings key "${row.key}"`)
      return out
    },
    delete(key) {
      remove.run(key)
    }
  }
}
