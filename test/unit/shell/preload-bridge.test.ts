// The preload against a stand-in `electron` module: it exposes exactly the Api shape (one function
// per contract channel, `on` for known events only), invokes the channel with the payload, and a
// failed call reaches the renderer seam as an ApiCallError with its code and fields.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { contract, listChannels, type Api } from '../../../src/shared/contract'
import { ApiCallError, type ApiResult } from '../../../src/shared/errors'

const exposed = new Map<string, unknown>()
const invoked: { channel: string; payload: unknown }[] = []
const ipcListeners = new Map<string, Set<(event: unknown, data: unknown) => void>>()
let nextResult: ApiResult<unknown> = { ok: true, value: null }

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: {
    invoke: async (channel: string, payload: unknown) => {
      invoked.push({ channel, payload })
      return nextResult
    },
    on: (channel: string, listener: (event: unknown, data: unknown) => void) => {
      const set = ipcListeners.get(channel) ?? new Set()
      ipcListeners.set(channel, set)
      set.add(listener)
    },
    removeListener: (channel: string, listener: (event: unknown, data: unknown) => void) => {
      ipcListeners.get(channel)?.delete(listener)
    }
  }
}))

async function loadBridge(): Promise<Api> {
  await import('../../../src/preload/index')
  return exposed.get('api') as Api
}

describe('preload bridge', () => {
  beforeEach(() => {
    invoked.length = 0
  })

  it('exposes window.api only, with one function per channel and on()', async () => {
    const api = await loadBridge()
    expect([...exposed.keys()]).toEqual(['api'])
    expect(Object.keys(api).sort()).toEqual([...Object.keys(contract), 'on'].sort())
    for (const channel of listChannels()) {
      const [domain, method] = channel.split('.')
      expect(typeof (api as unknown as Record<string, Record<string, unknown>>)[domain][method]).toBe(
        'function'
      )
    }
    expect('ipcRenderer' in api).toBe(false)
  })

  it('invokes the channel with the payload and resolves with the value', async () => {
    const api = await loadBridge()
    nextResult = { ok: true, value: { language: 'zh-CN', theme: 'dark' } }
    expect(await api.settings.update({ language: 'zh-CN' })).toEqual({ language: 'zh-CN', theme: 'dark' })
    expect(invoked).toEqual([{ channel: 'settings.update', payload: { language: 'zh-CN' } }])
  })

  it('rejects with the plain error payload, which the renderer seam turns into ApiCallError', async () => {
    const api = await loadBridge()
    const error = {
      code: 'invalid_input' as const,
      message: 'Invalid input',
      issues: [{ path: 'theme', message: 'bad' }]
    }
    nextResult = { ok: false, error }
    await expect(api.settings.update({ theme: 'dark' })).rejects.toEqual(error)

    const { wrapBridgeApi } = await import('../../../src/renderer/api/bridge-api')
    const wrapped = wrapBridgeApi(api)
    const failure = await wrapped.settings.update({ theme: 'dark' }).catch((err: unknown) => err)
    expect(failure).toBeInstanceOf(ApiCallError)
    expect((failure as ApiCallError).code).toBe('invalid_input')
    expect((failure as ApiCallError).issues).toEqual([{ path: 'theme', message: 'bad' }])
  })

  it('subscribes to known events only, and unsubscribes', async () => {
    const api = await loadBridge()
    const seen: unknown[] = []
    const off = api.on('engine.status', (data) => seen.push(data))
    for (const listener of ipcListeners.get('event:engine.status') ?? []) listener({}, { state: 'ready' })
    off()
    for (const listener of ipcListeners.get('event:engine.status') ?? []) listener({}, { state: 'stopped' })
    expect(seen).toEqual([{ state: 'ready' }])
    expect(() => api.on('no.such.event' as 'engine.status', () => undefined)).toThrow(/Unknown event/)
  })
})
