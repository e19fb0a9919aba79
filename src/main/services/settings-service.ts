// settings.get / settings.update: the user's preferences (language, theme), kept in SQLite with
// their defaults applied and every stored value checked against its schema.
import type { ApiHandlers } from '../../shared/contract'
import { Language, Theme, type Settings } from '../../shared/system'
import type { SettingsRepository } from '../store/settings-repository'

export const defaultSettings: Settings = { language: 'en', theme: 'system' }

const schemas = { language: Language, theme: Theme } as const

export function readSettings(repo: SettingsRepository): Settings {
  const stored = repo.all()
  const language = schemas.language.safeParse(stored.language)
  const theme = schemas.theme.safeParse(stored.theme)
  return {
    language: language.success ? language.data : defaultSettings.language,
    theme: theme.success ? theme.data : defaultSettings.theme
  }
}

export function createSettingsService(repo: SettingsRepository): ApiHandlers['settings'] {
  return {
    async get() {
      return readSettings(repo)
    },
    async update(patch) {
      const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined))
      repo.setMany(changes)
      return readSettings(repo)
    }
  }
}
