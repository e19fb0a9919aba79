// The base models on this computer (for the Models view, the train form and chat): the list, the
// offline demo model, folder import, Hub downloads with their live progress, cancel and delete.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { DemoSizeName, DownloadProgressEvent, ModelSummary } from '../../shared/models'
import type { InferenceEstimate } from '../../shared/runs'
import { api } from '../api'
import { useLoader } from './loader'

export interface DownloadRequest {
  repoId: string
  revision?: string
  endpoint?: string
}

export const useModelsStore = defineStore('models', () => {
  const list = ref<ModelSummary[]>([])
  /** The latest progress event of each download in flight or just ended, by repo id. */
  const downloads = ref<Record<string, DownloadProgressEvent>>({})

  /** loaded, loading, loadError and load() of the list. */
  const listLoader = useLoader(
    () => api.models.list({}),
    (items) => {
      list.value = items
    }
  )

  function upsert(model: ModelSummary): ModelSummary {
    list.value = [...list.value.filter((m) => m.id !== model.id), model].sort((a, b) =>
      a.name.localeCompare(b.name)
    )
    return model
  }

  /** Each of these throws the service's error, for the caller to show where it happened. */
  async function createDemo(size: DemoSizeName): Promise<ModelSummary> {
    return upsert(await api.models.createDemo({ size }))
  }

  async function importFolder(path: string, name?: string): Promise<ModelSummary> {
    return upsert(await api.models.importFolder({ path, ...(name ? { name } : {}) }))
  }

  async function download(request: DownloadRequest): Promise<ModelSummary> {
    const model = await api.models.download({
      repoId: request.repoId,
      ...(request.revision ? { revision: request.revision } : {}),
      ...(request.endpoint ? { endpoint: request.endpoint } : {})
    })
    return upsert(model)
  }

  async function cancelDownload(repoId: string): Promise<void> {
    await api.models.cancelDownload({ repoId })
  }

  function forgetDownload(repoId: string): void {
    const next = { ...downloads.value }
    delete next[repoId]
    downloads.value = next
  }

  async function remove(id: number): Promise<void> {
    await api.models.delete({ id })
    list.value = list.value.filter((m) => m.id !== id)
  }

  /** What chatting with model `id` takes in the engine (cached per model: it depends on its shape only). */
  const memories = new Map<number, Promise<InferenceEstimate>>()
  function memory(id: number): Promise<InferenceEstimate> {
    let found = memories.get(id)
    if (!found) {
      found = api.models.memory({ id })
      found.catch(() => memories.delete(id))
      memories.set(id, found)
    }
    return found
  }

  function listen(): () => void {
    return api.on('download.progress', (event) => {
      downloads.value = { ...downloads.value, [event.repoId]: event }
    })
  }

  return {
    list,
    ...listLoader,
    downloads,
    createDemo,
    importFolder,
    download,
    cancelDownload,
    forgetDownload,
    remove,
    memory,
    listen
  }
})
