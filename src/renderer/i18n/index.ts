// vue-i18n setup: English and Simplified Chinese, composition mode. The active language comes
// from the persisted setting (stores/settings.ts), never from here.
import type { LanguageCode } from '../../shared/system'
import { i18n } from './instance'

export { i18n }

export const languages: { code: LanguageCode; label: string }[] = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' }
]

export function setLanguage(code: LanguageCode): void {
  i18n.global.locale.value = code
  document.documentElement.lang = code
}
