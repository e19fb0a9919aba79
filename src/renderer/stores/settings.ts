// The person's preferences (language, theme), loaded from and saved through the settings service;
// applying them to i18n and the document lives here so every change takes effect the same way.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Settings, ThemeName, LanguageCode } from '../../shared/system'
import { api } from '../api'
import { setLanguage } from '../i18n'
import { applyTheme } from '../theme'
import { messageOf } from './loader'

export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings>({ language: 'en', theme: 'system' })
  const loaded = ref(false)
  const loadError = ref<string | null>(null)
  const saveError = ref<string | null>(null)
  const saving = ref(false)

  function apply(next: Settings): void {
    settings.value = next
    setLanguage(next.language)
    applyTheme(next.theme)
  }

  async function load(): Promise<void> {
    try {
      apply(await api.settings.get({}))
      loaded.value = true
      loadError.value = null
    } catch (err) {
      loadError.value = messageOf(err)
    }
  }

  async function update(patch: { language?: LanguageCode; theme?: ThemeName }): Promise<void> {
    saving.value = true
    try {
      apply(await api.settings.update(patch))
      saveError.value = null
    } catch (err) {
      saveError.value = messageOf(err)
    } finally {
      saving.value = false
    }
  }

  return { settings, loaded, loadError, saveError, saving, load, update }
})
