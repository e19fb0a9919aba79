// The models API as main serves it (handlers.models): the registry of HF-layout folders under
// <data>/models/, the offline demo model, folder import, Hub download with progress, and delete.
import { existsSync } from 'node:fs'
import { readFile, rename, rm } from 'node:fs/promises'
import { basename, join, relative, resolve, isAbsolute } from 'node:path'
import type { ApiHandlers } from '../../shared/contract'
import { ServiceError } from '../../shared/errors'
import type { DemoSizeName, DownloadProgressEvent, ModelSourceName, ModelSummary } from '../../shared/models'
import { ownedStatuses } from '../../shared/run-states'
import type { InferenceEstimate } from '../../shared/runs'
import { createRandomGpt2Folder, type RandomGpt2Options } from '../../engine/model-factory'
import { createRandomFamilyFolder } from './random-family-model'
import type { Store } from '../store/store'
import { DownloadMeter } from './download-meter'
import { downloadHubModel } from './hub-download'
import { checkModelFolder, copyModelFolder } from './model-import'
import { toModelSummary, toStoredSource } from './model-view'

export interface ModelServiceDeps {
  store: Store
  /** <data>/models */
  modelsDir: string
  /** Sends `download.progress` events. */
  emitProgress(event: DownloadProgressEvent): void
  /** HF_ENDPOINT and HF_TOKEN are read from here; default process.env. */
  env?: NodeJS.ProcessEnv
  fetch?: typeof fetch
  /** Passed to the downloader (tests). */
  stallTimeoutMs?: number
  /** The engine's inference estimate for a model folder (`models.memory`). */
  estimateInference?: (path: string) => Promise<InferenceEstimate>
}

export interface ModelService {
  handlers: ApiHandlers['models']
  /** Cancels every download in flight (app shutdown). */
  cancelAll(): void
  /**
   * Registers a merged export where it was written (the user's folder, never moved nor deleted by
   * the models list) as `name`, or `name-2`…; an export already registered at `dir` (replaced with
   * overwrite) keeps its entry.
   */
  registerMerged(dir: string, name: string): Promise<ModelSummary>
}

/** The offline demo models: random-init GPT-2 with the real tokenizer, sized to train in seconds on wasm. */
export const demoShapes: Record<DemoSizeName, Omit<RandomGpt2Options, 'seed' | 'name'>> = {
  tiny: { nLayer: 2, nEmbd: 64, nHead: 2, nPositions: 256 },
  'small-test': { nLayer: 4, nEmbd: 128, nHead: 4, nPositions: 512 }
}

const defaultEndpoint = 'https://huggingface.co'

/** A folder name from a path's last part or a repo id: unsafe characters become "-". */
function safeName(raw: string): string {
  const cleaned = raw
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 100)
  return cleaned || 'model'
}

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

export function createModelService(deps: ModelServiceDeps): ModelService {
  const { store, modelsDir } = deps
  const env = deps.env ?? process.env
  const downloads = new Map<string, AbortController>()

  const get = (id: number): ModelSummary => {
    const model = store.models.get(id)
    if (!model) throw new ServiceError('not_found', `Model ${id} does not exist; it may have been deleted.`)
    return toModelSummary(model)
  }

  /** `base`, or `base-2`, `base-3`… when taken (by a registered model or a folder). */
  const freeName = (base: string): string => {
    const taken = (name: string): boolean =>
      store.models.findByName(name) !== null || existsSync(join(modelsDir, name))
    if (!taken(base)) return base
    for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`
  }

  /** An explicitly chosen name must be free. */
  const claimName = (name: string): string => {
    if (store.models.findByName(name)) {
      throw new ServiceError(
        'conflict',
        `A model named "${name}" already exists; choose another name or delete it first.`,
        [{ path: 'name', message: 'already in use' }]
      )
    }
    if (existsSync(join(modelsDir, name))) {
      throw new ServiceError(
        'conflict',
        `The folder ${join(modelsDir, name)} already exists; choose another name or remove that folder.`,
        [{ path: 'name', message: 'folder exists' }]
      )
    }
    return name
  }

  /** Registers the folder at models/<name>; if it does not check out, removes it and throws. */
  const register = async (
    name: string,
    source: ModelSourceName,
    hub: { hubId: string; revision: string } | null = null
  ): Promise<ModelSummary> => {
    const dir = join(modelsDir, name)
    try {
      const info = await checkModelFolder(dir)
      const config: unknown = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))
      const stored = store.models.create({
        name,
        path: dir,
        source: toStoredSource(source),
        hubId: hub?.hubId ?? null,
        revision: hub?.revision ?? null,
        architecture: info.architecture,
        config,
        parameterCount: info.parameterCount,
        sizeBytes: info.bytesOnDisk
      })
      return toModelSummary(stored)
    } catch (err) {
      await rm(dir, { recursive: true, force: true })
      throw err
    }
  }

  const handlers: ApiHandlers['models'] = {
    list: async () => store.models.list().map(toModelSummary),

    get: async ({ id }) => get(id),

    createDemo: async ({ name, size, seed, family = 'gpt2', tokenizer, shape = {} }) => {
      const base = family === 'gpt2' ? `${size}-demo` : `${family}-${size}-demo`
      const chosen = name === undefined ? freeName(base) : claimName(name)
      const demo = demoShapes[size]
      const layers = shape.layers ?? demo.nLayer
      const hidden = shape.hidden ?? demo.nEmbd
      const heads = shape.heads ?? demo.nHead
      const context = shape.context ?? demo.nPositions
      const dir = join(modelsDir, chosen)
      if (family === 'gpt2') {
        await createRandomGpt2Folder(dir, {
          nLayer: layers,
          nEmbd: hidden,
          nHead: heads,
          nPositions: context,
          seed,
          name: chosen
        })
      } else {
        await createRandomFamilyFolder(dir, tokenizer ?? '', {
          family,
          layers,
          hidden,
          heads,
          kvHeads: shape.kvHeads,
          intermediate: shape.intermediate,
          contextLength: context,
          seed,
          name: chosen
        })
      }
      return register(chosen, 'demo')
    },

    importFolder: async ({ path, name }) => {
      const source = resolve(path)
      await checkModelFolder(source)
      const chosen = name === undefined ? freeName(safeName(basename(source))) : claimName(name)
      await copyModelFolder(source, join(modelsDir, chosen))
      return register(chosen, 'imported')
    },

    download: async ({ repoId, revision, endpoint, name }) => {
      if (downloads.has(repoId)) {
        throw new ServiceError(
          'conflict',
          `${repoId} is already downloading; wait for it or cancel it first.`
        )
      }
      const chosen = name ?? safeName(repoId.replace('/', '--'))
      claimName(chosen)
      const base = (endpoint ?? env.HF_ENDPOINT ?? defaultEndpoint).replace(/\/+$/, '')
      const controller = new AbortController()
      downloads.set(repoId, controller)
      const meter = new DownloadMeter({ repoId, emit: deps.emitProgress })
      // Kept between attempts (same name) so that a later download resumes what this one fetched.
      const stagingDir = join(modelsDir, `.download-${chosen}`)
      try {
        const result = await downloadHubModel({
          endpoint: base,
          repoId,
          revision,
          token: env.HF_TOKEN || undefined,
          signal: controller.signal,
          fetch: deps.fetch ?? fetch,
          stagingDir,
          meter,
          stallTimeoutMs: deps.stallTimeoutMs
        })
        claimName(chosen)
        await rename(stagingDir, join(modelsDir, chosen))
        const model = await register(chosen, 'hub', { hubId: repoId, revision: result.revision })
        meter.emit('completed')
        return model
      } catch (err) {
        const state = err instanceof ServiceError && err.code === 'cancelled' ? 'cancelled' : 'failed'
        meter.emit(state, true, err instanceof Error ? err.message : String(err))
        throw err
      } finally {
        downloads.delete(repoId)
      }
    },

    cancelDownload: async ({ repoId }) => {
      const controller = downloads.get(repoId)
      controller?.abort()
      return { cancelled: controller !== undefined }
    },

    delete: async ({ id }) => {
      const model = get(id)
      const busy = store.runs
        .list({ status: [...ownedStatuses] })
        .find((run) => run.modelId === id || resolve(run.baseModel) === resolve(model.path))
      if (busy) {
        throw new ServiceError(
          'conflict',
          `Run ${busy.id} "${busy.name}" (${busy.status}) uses ${model.name}; stop it before deleting the model.`
        )
      }
      const owned = isInside(modelsDir, model.path) && existsSync(model.path)
      // Renamed first, so the model is either wholly present or wholly gone even if rm stops halfway.
      const trash = join(modelsDir, `.deleted-${model.name}.${process.pid}.${Date.now()}`)
      if (owned) await rename(model.path, trash)
      store.models.delete(id)
      if (owned) await rm(trash, { recursive: true, force: true })
      return { deleted: true }
    },

    memory: async ({ id }) => {
      const model = get(id)
      if (!deps.estimateInference)
        throw new ServiceError('internal', 'Memory estimates need the engine, which is not running here.')
      return deps.estimateInference(model.path)
    }
  }

  const registerMerged = async (dir: string, name: string): Promise<ModelSummary> => {
    const path = resolve(dir)
    const known = store.models.list().find((m) => resolve(m.path) === path)
    if (known) return toModelSummary(known)
    const info = await checkModelFolder(path)
    const config: unknown = JSON.parse(await readFile(join(path, 'config.json'), 'utf8'))
    const stored = store.models.create({
      name: freeName(safeName(name)),
      path,
      source: 'merged',
      architecture: info.architecture,
      config,
      parameterCount: info.parameterCount,
      sizeBytes: info.bytesOnDisk
    })
    return toModelSummary(stored)
  }

  return {
    handlers,
    registerMerged,
    cancelAll() {
      for (const controller of downloads.values()) controller.abort()
    }
  }
}
