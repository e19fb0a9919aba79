// The main window's web preferences against a stand-in `electron`: the renderer stays sandboxed,
// context-isolated and without Node, whatever else changes in the shell.
import { describe, expect, it, vi } from 'vitest'
import { createMainWindow } from '../../../src/main/shell/window'

const created = vi.hoisted(() => [] as { webPreferences?: Record<string, unknown> }[])

vi.mock('electron', () => ({
  nativeTheme: { shouldUseDarkColors: false },
  BrowserWindow: class {
    constructor(options: { webPreferences?: Record<string, unknown> }) {
      created.push(options)
    }
    once() {}
    loadFile() {
      return Promise.resolve()
    }
  }
}))

describe('createMainWindow', () => {
  it('keeps contextIsolation, sandbox and no Node integration', () => {
    createMainWindow({ kind: 'file', indexPath: '/opt/app/renderer/index.html' })
    expect(created[0].webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false
    })
  })
})
