// The main side of IPC against a stand-in `electron` module: every contract channel has a handler,
// calls from a page that is not our renderer (or from a subframe) are refused, valid ones go through
// the router (bad payloads come back with the field), and events reach every window.
import { pathToFileURL } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { createApiRouter } from '../../../src/main/api-router'
import { createEventBus } from '../../../src/main/event-bus'
import { registerIpc } from '../../../src/main/shell/ipc'
import { listChannels, type ApiHandlers } from '../../../src/shared/contract'
import type { Settings } from '../../../src/shared/system'

type Handler = (event: unknown, payload: unknown) => unknown
const handlers = new Map<string, Handler>()
const sent: { channel: string; data: unknown }[] = []

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel)
  },
  BrowserWindow: {
    getAllWindows: () => [
      {
        isDestroyed: () => false,
        webContents: { send: (channel: string, data: unknown) => sent.push({ channel, data }) }
      }
    ]
  }
}))

const indexPath = '/opt/lora-studio/out/renderer/index.html'
const ourUrl = `${pathToFileURL(indexPath).href}#/settings`
const settings: Settings = { language: 'en', theme: 'system' }
const apiHandlers = {
  settings: {
    get: async () => settings,
    update: async (patch: Partial<Settings>) => ({ ...settings, ...patch })
  }
} as unknown as ApiHandlers

function frame(url: string, parent: unknown = null) {
  return { senderFrame: { url, parent } }
}

describe('registerIpc', () => {
  const events = createEventBus()
  const dispose = registerIpc({
    router: createApiRouter(apiHandlers),
    events,
    source: { kind: 'file', indexPath }
  })

  it('handles every channel of the contract', () => {
    expect([...handlers.keys()].sort()).toEqual([...listChannels()].sort())
  })

  it('routes calls from our renderer and reports bad payloads by field', async () => {
    const update = handlers.get('settings.update')!
    expect(await update(frame(ourUrl), { theme: 'dark' })).toEqual({
      ok: true,
      value: { language: 'en', theme: 'dark' }
    })
    const bad = (await update(frame(ourUrl), { theme: 'pink' })) as {
      ok: false
      error: { issues: { path: string }[] }
    }
    expect(bad.ok).toBe(false)
    expect(bad.error.issues[0].path).toBe('theme')
  })

  it('refuses other pages, subframes and senders without a frame', async () => {
    const get = handlers.get('settings.get')!
    for (const event of [
      frame('https://evil.example/'),
      frame(ourUrl, { url: 'x' }),
      { senderFrame: null }
    ]) {
      expect(await get(event, {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    }
  })

  it('forwards API events to the windows and stops when disposed', () => {
    events.emit('engine.status', { state: 'ready' })
    expect(sent).toEqual([{ channel: 'event:engine.status', data: { state: 'ready' } }])
    dispose()
    events.emit('engine.status', { state: 'stopped' })
    expect(sent).toHaveLength(1)
    expect(handlers.size).toBe(0)
  })
})
