// The models table: base models and merged results the app knows about, each an HF-layout folder.
import type { SqliteDatabase } from './database'
import { nowIso } from './database'
import { fromJsonOrNull, toJson } from './json-column'

export type ModelSource = 'local' | 'hub' | 'created' | 'merged' | 'imported'

export interface NewModel {
  name: string
  path: string
  source: ModelSource
  hubId?: string | null
  revision?: string | null
  architecture?: string | null
  /** The folder's config.json, as parsed. */
  config?: unknown
  parameterCount?: number | null
  sizeBytes?: number | null
}

export interface StoredModel {
  id: number
  name: string
  path: string
  source: ModelSource
  hubId: string | null
  revision: string | null
  architecture: string | null
  config: unknown
  parameterCount: number | null
  sizeBytes: number | null
  createdAt: string
}

interface ModelRow {
  id: number
  name: string
  path: string
  source: ModelSource
  hub_id: string | null
  revision: string | null
  architecture: string | null
  config_json: string | null
  parameter_count: number | null
  size_bytes: number | null
  created_at: string
}

function toModel(row: ModelRow): StoredModel {
  return {
    id: row.id,
    name: row.name,
    path: row.path,
    source: row.source,
    hubId: row.hub_id,
    revision: row.revision,
    architecture: row.architecture,
    config: fromJsonOrNull(row.config_json, `models id ${row.id} config_json`),
    parameterCount: row.parameter_count,
    sizeBytes: row.size_bytes,
    createdAt: row.created_at
  }
}

export interface ModelsRepository {
  create(model: NewModel): StoredModel
  get(id: number): StoredModel | null
  findByName(name: string): StoredModel | null
  list(): StoredModel[]
  delete(id: number): boolean
}

export function createModelsRepository(db: SqliteDatabase): ModelsRepository {
  const insert = db.prepare(
    `insert into models (name, path, source, hub_id, revision, architecture, config_json, parameter_count, size_bytes, created_at)
     values (@name, @path, @source, @hubId, @revision, @architecture, @config, @parameterCount, @sizeBytes, @createdAt)`
  )
  const byId = db.prepare<[number], ModelRow>('select * from models where id = ?')
  const byName = db.prepare<[string], ModelRow>('select * from models where name = ?')
  const all = db.prepare<[], ModelRow>('select * from models order by name')
  const remove = db.prepare<[number]>('delete from models where id = ?')
  return {
    create(model) {
      const info = insert.run({
        name: model.name,
        path: model.path,
        source: model.source,
        hubId: model.hubId ?? null,
        revision: model.revision ?? null,
        architecture: model.architecture ?? null,
        config: model.config === undefined ? null : toJson(model.config),
        parameterCount: model.parameterCount ?? null,
        sizeBytes: model.sizeBytes ?? null,
        createdAt: nowIso()
      })
      return toModel(byId.get(Number(info.lastInsertRowid)) as ModelRow)
    },
    get(id) {
      const row = byId.get(id)
      return row ? toModel(row) : null
    },
    findByName(name) {
      const row = byName.get(name)
      return row ? toModel(row) : null
    },
    list() {
      return all.all().map(toModel)
    },
    delete(id) {
      return remove.run(id).changes > 0
    }
  }
}
