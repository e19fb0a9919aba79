// The datasets the person has imported (for the list, the wizard and the train form), the CWE sample
// datasets, delete, and the progress of imports in flight as the service reports it.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { DatasetDetail, DatasetSummary, ImportProgressEvent } from '../../shared/datasets'
import { api } from '../api'
import { messageOf, useLoader } from './loader'

export type SampleKindName = 'cwe-instructions' | 'cwe-corpus'

export const useDatasetsStore = defineStore('datasets', () => {
  const list = ref<DatasetSummary[]>([])
  /** The latest progress event of each import, by the import's name. */
  const progress = ref<Record<string, ImportProgressEvent>>({})
  const addingSample = ref<SampleKindName | null>(null)
  const sampleError = ref<string | null>(null)

  const {
    loaded,
    loading,
    error: loadError,
    load
  } = useLoader(
    () => api.datasets.list({}),
    (items) => {
      list.value = items
    }
  )

  /** Deletes a dataset; throws the service's error for the caller to show where it happened. */
  async function remove(id: number): Promise<void> {
    await api.datasets.delete({ id })
    list.value = list.value.filter((d) => d.id !== id)
  }

  /** Adds a CWE sample dataset; returns it, or null with `sampleError` set. */
  async function addSample(kind: SampleKindName): Promise<DatasetDetail | null> {
    addingSample.value = kind
    sampleError.value = null
    try {
      const detail = await api.datasets.addSample({ kind })
      await load()
      return detail
    } catch (err) {
      sampleError.value = messageOf(err)
      return null
    } finally {
      addingSample.value = null
    }
  }

  /** Imports still reading or writing, for progress bars outside the wizard. */
  function running(): ImportProgressEvent[] {
    return Object.values(progress.value).filter((e) => e.phase === 'reading' || e.phase === 'writing')
  }

  function listen(): () => void {
    return api.on('dataset.importProgress', (event) => {
      progress.value = { ...progress.value, [event.name]: event }
    })
  }

  return {
    list,
    loaded,
    loading,
    loadError,
    progress,
    addingSample,
    sampleError,
    load,
    remove,
    addSample,
    running,
    listen
  }
})
