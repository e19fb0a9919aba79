// The bookkeeping every store that loads one thing from the API repeats (a busy flag, whether it has
// loaded once, the error to show), kept once so the datasets, models, system, runs and chat stores stay
// about their data.
import { ref, type Ref } from 'vue'
import { errorText } from '../i18n/issue-text'

/** The text to show for a failed call: field issues in the person's language, else the service's message. */
export function messageOf(err: unknown): string {
  return errorText(err)
}

export interface Loader {
  loaded: Ref<boolean>
  loading: Ref<boolean>
  loadError: Ref<string | null>
  /** Fetches and hands the value to `onLoaded`; a failure is kept in `loadError`, never thrown. */
  load: () => Promise<void>
}

export function useLoader<T>(fetch: () => Promise<T>, onLoaded: (value: T) => void): Loader {
  const loaded = ref(false)
  const loading = ref(false)
  const loadError = ref<string | null>(null)

  async function load(): Promise<void> {
    loading.value = true
    try {
      onLoaded(await fetch())
      loaded.value = true
      loadError.value = null
    } catch (err) {
      loadError.value = messageOf(err)
    } finally {
      loading.value = false
    }
  }

  return { loaded, loading, loadError, load }
}
