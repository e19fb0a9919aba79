// The renderer's Vite settings, shared by the Electron build (electron.vite.config.ts) and the
// browser-mode build (vite.web.config.ts) so both ship the same bundle.
import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import type { UserConfig } from 'vite'

export const rendererRoot = resolve(import.meta.dirname, 'src/renderer')

export const rendererConfig: UserConfig = {
  root: rendererRoot,
  base: './',
  plugins: [vue()],
  resolve: { alias: { '@shared': resolve(import.meta.dirname, 'src/shared') } },
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __INTLIFY_JIT_COMPILATION__: 'true',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'false'
  }
}
