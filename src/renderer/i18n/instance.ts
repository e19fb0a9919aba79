// The vue-i18n instance alone (no DOM), so code that words messages outside a component — stores,
// issue-text.ts — and its tests under Node can use it; index.ts adds the language switch.
import { createI18n } from 'vue-i18n'
import type { LanguageCode } from '../../shared/system'
import en, { type MessageSchema } from './en'
import zhCN from './zh-CN'

export const i18n = createI18n<[MessageSchema], LanguageCode, false>({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en, 'zh-CN': zhCN }
})
