// vue-i18n setup: English and Simplified Chinese, composition mode. The active language comes
// from the persisted setting (stores/settings.ts), never from here.
import { createI18n } from 'vue-i18n'
import type { LanguageCode } from '../../shared/system'
import en, { type MessageSchema } from './en'
import zhCN from './zh-CN'

export const languages: { code: LanguageCode; label: string }[] = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' }
]

export const i18n = createI18n<[MessageSchema], LanguageCode, false>({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en, 'zh-CN': zhCN }
})

export function setLanguage(code: LanguageCode): void {
  i18n.global.locale.value = code
  document.documentElement.lang = code
}
