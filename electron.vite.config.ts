// electron-vite build of the desktop app: main (with the engine process, gradient-worker and the import's
// tokenize-worker entries), the sandboxed preload (CommonJS, as sandboxed preloads must be) and the renderer.
import { resolve } from 'node:path'
import { defineConfig, externalizeDepsPlugin } from 'electron-vite'
import { rendererConfig } from './vite.renderer'

export default defineConfig({
  main: {
    // Every package.json dependency stays out of the bundle and loads from node_modules at run time: native
    // ones (better-sqlite3, webgpu's dawn.node, imported from app.asar.unpacked by src/engine/dawn-location.ts)
    // and tfjs's backends (@tensorflow/tfjs-backend-webgpu among them) alike.
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          engine: resolve(import.meta.dirname, 'src/engine/engine-process.ts'),
          'gradient-worker': resolve(import.meta.dirname, 'src/engine/training/gradient-worker.ts'),
          'tokenize-worker': resolve(import.meta.dirname, 'src/main/datasets/tokenize-worker.ts')
        },
        // Code shared by these entries goes to chunks/, where src/engine/entry-files.ts looks one folder up.
        output: { chunkFileNames: 'chunks/[name]-[hash].js' }
      }
    }
  },
  preload: {
    plugins: [externalizeDepsPlugin({ exclude: ['zod'] })],
    build: {
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    ...rendererConfig,
    build: {
      chunkSizeWarningLimit: 2000,
      rollupOptions: { input: resolve(import.meta.dirname, 'src/renderer/index.html') }
    }
  }
})
