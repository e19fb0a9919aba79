// The database backups for Settings: the list, and choosing one to restore at the next start (the
// main process does the swap then, before it opens the database).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { BackupsInfo } from '../../shared/backups'
import { api } from '../api'
import { messageOf } from './loader'

export const useBackupsStore = defineStore('backups', () => {
  const info = ref<BackupsInfo | null>(null)
  const busy = ref(false)
  const error = ref<string | null>(null)

  async function run(call: () => Promise<BackupsInfo>): Promise<boolean> {
    busy.value = true
    try {
      info.value = await call()
      error.value = null
      return true
    } catch (err) {
      error.value = messageOf(err)
      return false
    } finally {
      busy.value = false
    }
  }

  const load = () => run(() => api.backups.list({}))
  /** Stages `file` to replace the database at the next start; null cancels. */
  const restore = (file: string | null) => run(() => api.backups.restore({ file }))

  return { info, busy, error, load, restore }
})
