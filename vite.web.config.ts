// Builds the renderer for browser mode (`npm run serve`): the same Vue app that Electron loads,
// written to out/web and served by src/main/server.
import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import { rendererConfig } from './vite.renderer'

export default defineConfig({
  ...rendererConfig,
  build: {
    outDir: resolve(import.meta.dirname, 'out/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: { input: resolve(import.meta.dirname, 'src/renderer/index.html') }
  }
})
