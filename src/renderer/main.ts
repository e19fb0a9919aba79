// Renderer entry: installs Pinia, i18n and the router, applies the saved language and theme
// before the first paint where the service answers in time, then mounts the shell.
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { i18n } from './i18n'
import { router } from './router'
import { useSettingsStore } from './stores/settings'
import { applyTheme } from './theme'
import './styles/base.css'

const SETTINGS_WAIT_MS = 4000

async function start(): Promise<void> {
  applyTheme('system')
  const pinia = createPinia()
  const app = createApp(App).use(pinia).use(i18n).use(router)
  const settings = useSettingsStore(pinia)
  await Promise.race([settings.load(), new Promise((resolve) => setTimeout(resolve, SETTINGS_WAIT_MS))])
  app.mount('#app')
}

void start()
