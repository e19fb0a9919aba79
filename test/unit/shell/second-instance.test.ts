// The Electron main process (src/main/index.ts) against a stand-in `electron` and app context: a
// second launch shows the window only once IPC is registered (before, its page's every call would
// fail) and never while the app is closing (it would open a window the quit is tearing down).
import { EventEmitter } from 'node:events'
import { beforeEach, describe, expect, it, vi } from 'vitest'

interface FakeWindow extends EventEmitter {
  focused: number
  isDestroyed(): boolean
  isMinimized(): boolean
  restore(): void
  focus(): void
}

const fake = vi.hoisted(() => ({
  app: null as unknown as EventEmitter & Record<string, unknown>,
  windows: [] as unknown[],
  ipcRegistered: 0,
  context: null as null | { resolve: (value: unknown) => void },
  closed: 0,
  ready: null as null | (() => void)
}))

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events')
  const app = Object.assign(new Emitter(), {
    isPackaged: true,
    requestSingleInstanceLock: () => true,
    enableSandbox: () => undefined,
    getPath: () => '/tmp/lora-studio-test',
    getVersion: () => '0.1.0',
    quit: () => app.emit('before-quit', { preventDefault: () => undefined }),
    exit: () => undefined,
    whenReady: () => new Promise<void>((resolve) => (fake.ready = resolve))
  })
  fake.app = app as unknown as EventEmitter & Record<string, unknown>
  return {
    app,
    BrowserWindow: { getAllWindows: () => fake.windows },
    dialog: { showErrorBox: () => undefined },
    session: { defaultSession: {} }
  }
})
vi.mock('../../../src/main/app-context', () => ({
  openAppContext: () =>
    new Promise((resolve) => {
      fake.context = { resolve }
    })
}))
vi.mock('../../../src/main/shell/ipc', () => ({
  registerIpc: () => {
    fake.ipcRegistered += 1
    return () => undefined
  }
}))
vi.mock('../../../src/main/shell/security', () => ({
  hardenApp: () => undefined,
  hardenSession: () => undefined
}))
vi.mock('../../../src/main/shell/utility-engine-spawner', () => ({ createUtilityEngineSpawner: () => ({}) }))
vi.mock('../../../src/main/shell/window', async () => {
  const { EventEmitter: Emitter } = await import('node:events')
  return {
    rendererSource: () => ({ kind: 'file', indexPath: '/opt/app/renderer/index.html' }),
    createMainWindow: () => {
      const window = Object.assign(new Emitter(), {
        focused: 0,
        isDestroyed: () => false,
        isMinimized: () => false,
        restore: () => undefined,
        focus: () => (window.focused += 1)
      })
      fake.windows.push(window)
      return window
    }
  }
})

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))
const secondLaunch = () => fake.app.emit('second-instance', {}, [], '/')

beforeEach(async () => {
  vi.resetModules()
  fake.windows.length = 0
  fake.ipcRegistered = 0
  fake.closed = 0
  fake.context = null
  await import('../../../src/main/index')
})

describe('second-instance', () => {
  it('is ignored until IPC is registered, then shows the one window', async () => {
    secondLaunch()
    expect(fake.windows).toHaveLength(0)
    fake.ready!()
    await flush()
    expect(fake.context).not.toBeNull()
    secondLaunch()
    expect(fake.windows).toHaveLength(0)

    fake.context!.resolve({
      router: {},
      events: {},
      close: async () => {
        fake.closed += 1
      }
    })
    await flush()
    expect(fake.ipcRegistered).toBe(1)
    expect(fake.windows).toHaveLength(1)
    secondLaunch()
    expect(fake.windows).toHaveLength(1)
    expect((fake.windows[0] as FakeWindow).focused).toBe(1)
  })

  it('is ignored while the app is closing', async () => {
    fake.ready!()
    await flush()
    fake.context!.resolve({ router: {}, events: {}, close: () => new Promise(() => undefined) })
    await flush()
    expect(fake.windows).toHaveLength(1)
    ;(fake.windows[0] as FakeWindow).emit('closed')
    fake.app.emit('before-quit', { preventDefault: () => undefined })
    secondLaunch()
    expect(fake.windows).toHaveLength(1)
  })
})
