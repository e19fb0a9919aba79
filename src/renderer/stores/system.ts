// What the app reports about itself (backend and its reason, versions, data folder, database size)
// and the engine's live state, for the Settings page and the status line of the shell.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { EngineStatusEvent, SystemInfo } from '../../shared/system'
import { api } from '../api'

export const useSystemStore = defineStore('system', () => {
  const info = ref<SystemInfo | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const engine = ref<EngineStatusEvent | null>(null)

  async function load(): Promise<void> {
    loading.value = true
    try {
      info.value = await api.system.info({})
      error.value = null
      if (!engine.value || engine.value.state !== 'crashed') engine.value = { state: 'ready' }
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err)
    } finally {
      loading.value = false
    }
  }

  function listen(): () => void {
    return api.on('engine.status', (status) => {
      engine.value = status
    })
  }

  return { info, loading, error, engine, load, listen }
})
