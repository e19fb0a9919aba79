// The datasets the person has imported (for the list, the wizard and the train form), the CWE sample
// datasets, delete, and the progress of imports in flight as the service reports it.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { DatasetDetail, DatasetSummary, ImportProgressEvent } from '../../shared/datasets'
import type { InputOf } from '../../shared/contract'
import { api } from '../api'
import { messageOf, useLoader } from './loader'

export type SampleKindName = 'cwe-instructions' | 'cwe-corpus'

export const useDatasetsStore = defineStore('datasets', () => {
  const list = ref<DatasetSummary[]>([])
  /** The latest progress event of each import, by the import's name. */
  const progress = ref<Record<string, ImportProgressEvent>>({})
  const addingSample = ref<SampleKindName | null>(null)
  const sampleError = ref<string | null>(null)

  /** loaded, loading, loadError and load() of the list. */
  const listLoader = useLoader(
    () => api.datasets.list({}),
    (items) => {
      list.value = items
    }
  )
  const { load } = listLoader

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

  /** The wizard's and the dataset page's calls; each throws the service's error for the caller to show. */
  const inspect = (paths: string[]) => api.datasets.inspect({ paths })
  const preview = (input: InputOf<'datasets', 'preview'>) => api.datasets.preview(input)
  const get = (id: number) => api.datasets.get({ id })
  const records = (input: InputOf<'datasets', 'records'>) => api.datasets.records(input)
  const recordPreview = (datasetId: number, recordId: number) =>
    api.datasets.recordPreview({ datasetId, recordId })

  /** Imports a dataset and refreshes the list so it shows there. */
  async function importDataset(input: InputOf<'datasets', 'import'>): Promise<DatasetDetail> {
    const dataset = await api.datasets.import(input)
    await load()
    return dataset
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
    ...listLoader,
    progress,
    addingSample,
    sampleError,
    remove,
    addSample,
    running,
    listen,
    inspect,
    preview,
    get,
    records,
    recordPreview,
    importDataset
  }
})
