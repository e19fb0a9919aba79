// What the app reports about itself (backend and its reason, versions, data folder, database size)
// and the engine's live state, for the Settings page and the status line of the shell.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { EngineStatusEvent, SystemInfo } from '../../shared/system'
import { api } from '../api'
import { useLoader } from './loader'

export const useSystemStore = defineStore('system', () => {
  const info = ref<SystemInfo | null>(null)
  const engine = ref<EngineStatusEvent | null>(null)
  const {
    loading,
    loadError: error,
    load
  } = useLoader(
    () => api.system.info({}),
    (value) => {
      info.value = value
      if (!engine.value || engine.value.state !== 'crashed') engine.value = { state: 'ready' }
    }
  )

  /** The desktop app's native open dialog; the paths chosen, none when cancelled. */
  async function pickPaths(options: { directory: boolean }): Promise<string[]> {
    return (await api.system.pickPaths(options)).paths
  }

  function listen(): () => void {
    return api.on('engine.status', (status) => {
      engine.value = status
    })
  }

  return { info, loading, error, engine, load, pickPaths, listen }
})
