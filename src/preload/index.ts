// The bridge between the sandboxed renderer and main: exposes exactly the `Api` shape of
// src/shared/contract.ts (one function per channel, `on` for the known events), no raw ipcRenderer.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { buildApi } from '../shared/api-client'
import { eventNames, type ApiEvents, type EventName } from '../shared/contract'
import type { ApiResult } from '../shared/errors'
import { eventChannel } from '../shared/ipc-channels'

// Error objects lose their properties crossing contextBridge, so a failed call rejects with the
// plain error payload ({ code, message, issues }); the renderer's api seam turns it into ApiCallError.
const api = buildApi(
  async (channel, payload) => {
    const result = (await ipcRenderer.invoke(channel, payload)) as ApiResult<unknown>
    if (result.ok) return result.value
    return Promise.reject({ ...result.error })
  },
  <E extends EventName>(event: E, listener: (data: ApiEvents[E]) => void) => {
    if (!eventNames.includes(event)) throw new Error(`Unknown event "${String(event)}".`)
    const channel = eventChannel(event)
    const handler = (_event: IpcRendererEvent, data: ApiEvents[E]): void => listener(data)
    ipcRenderer.on(channel, handler)
    return () => {
      ipcRenderer.removeListener(channel, handler)
    }
  }
)

contextBridge.exposeInMainWorld('api', api)
