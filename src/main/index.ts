// The Electron main process: one instance, the app context over the user's data folder (engine in
// a utilityProcess), the hardened window and its IPC; shuts the engine and database down on quit.
import { app, BrowserWindow, dialog, session } from 'electron'
import { openAppContext, type AppContext } from './app-context'
import { registerIpc } from './shell/ipc'
import { holdQuitUntilClosed } from './shell/quit-guard'
import { hardenApp, hardenSession } from './shell/security'
import { createUtilityEngineSpawner } from './shell/utility-engine-spawner'
import { createMainWindow, rendererSource } from './shell/window'

let context: AppContext | null = null
let mainWindow: BrowserWindow | null = null
/** Set once IPC is registered: a window shown before would find none of its calls answered. */
let ipcRegistered = false
/** Set when the quit starts: a window shown then would be torn down with the app. */
let shuttingDown = false

function showWindow(): void {
  if (mainWindow && !mainWindow.isDestroyed()) {
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
    return
  }
  mainWindow = createMainWindow(rendererSource(app.isPackaged))
  mainWindow.on('closed', () => {
    mainWindow = null
  })
}

async function start(): Promise<void> {
  const source = rendererSource(app.isPackaged)
  hardenSession(session.defaultSession, source.kind === 'dev' ? source.url : undefined)
  context = await openAppContext({
    dataDir: app.getPath('userData'),
    mode: 'electron',
    engineSpawner: createUtilityEngineSpawner(),
    appVersion: app.getVersion(),
    electronVersions: { electron: process.versions.electron, chrome: process.versions.chrome },
    pickPaths: async ({ directory }) => {
      const properties: ('openFile' | 'openDirectory' | 'multiSelections')[] = directory
        ? ['openDirectory']
        : ['openFile', 'multiSelections']
      const options = { properties }
      const result = mainWindow
        ? await dialog.showOpenDialog(mainWindow, options)
        : await dialog.showOpenDialog(options)
      return result.canceled ? [] : result.filePaths
    }
  })
  registerIpc({ router: context.router, events: context.events, source })
  ipcRegistered = true
  showWindow()
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.enableSandbox()
  hardenApp()
  app.on('second-instance', () => {
    if (ipcRegistered && !shuttingDown) showWindow()
  })
  app.on('activate', () => {
    if (context && BrowserWindow.getAllWindows().length === 0) showWindow()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  holdQuitUntilClosed(
    app,
    async () => {
      shuttingDown = true
      const closing = context
      context = null
      await closing?.close()
    },
    (err: unknown) => console.error(`LoRA Studio did not shut down cleanly: ${String(err)}`)
  )
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err)
      dialog.showErrorBox('LoRA Studio could not start', message)
      app.exit(1)
    })
}
