// The main window: sandboxed, context-isolated, no Node in the renderer; loads the dev server in
// `npm run dev` and the built index.html otherwise. Also says which renderer IPC should trust.
import { BrowserWindow, nativeTheme } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { entryFile } from '../../engine/entry-files'
import type { RendererSource } from './renderer-trust'

const here = dirname(fileURLToPath(import.meta.url))

/** electron-vite sets ELECTRON_RENDERER_URL in `npm run dev`; a packaged app never uses it. */
export function rendererSource(isPackaged: boolean): RendererSource {
  const devUrl = process.env.ELECTRON_RENDERER_URL
  if (!isPackaged && devUrl) return { kind: 'dev', url: devUrl }
  return { kind: 'file', indexPath: join(here, '..', 'renderer', 'index.html') }
}

export function createMainWindow(source: RendererSource): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'LoRA Studio',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#16181c' : '#f7f8fa',
    icon: join(here, '..', '..', 'resources', 'icon.png'),
    autoHideMenuBar: true,
    webPreferences: {
      preload: entryFile('preload'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false
    }
  })
  window.once('ready-to-show', () => window.show())
  if (source.kind === 'dev') void window.loadURL(source.url)
  else void window.loadFile(source.indexPath)
  return window
}
