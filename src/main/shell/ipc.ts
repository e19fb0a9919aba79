// IPC between the renderer and main: one invoke handler per API channel (the sender must be our own
// renderer's main frame; the payload goes through the router, which validates it), and every API
// event forwarded to the windows.
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron'
import { eventNames, listChannels } from '../../shared/contract'
import type { ApiResult } from '../../shared/errors'
import { eventChannel } from '../../shared/ipc-channels'
import type { ApiRouter } from '../api-router'
import type { ApiEventSource } from '../server/socket-session'
import { isTrustedRendererUrl, type RendererSource } from './renderer-trust'

function refusal(channel: string, url: string): ApiResult<never> {
  return {
    ok: false,
    error: {
      code: 'forbidden',
      message: `LoRA Studio refused ${channel} from ${url || 'an unknown page'}: only the app's own window may call it.`
    }
  }
}

/** Registers the handlers; returns the function that removes them and stops forwarding events. */
export function registerIpc(deps: {
  router: ApiRouter
  events: ApiEventSource
  source: RendererSource
}): () => void {
  const channels = listChannels()
  for (const channel of channels) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown) => {
      const frame = event.senderFrame
      const url = frame?.url ?? ''
      if (!frame || frame.parent !== null || !isTrustedRendererUrl(url, deps.source))
        return refusal(channel, url)
      return deps.router.call(channel, payload)
    })
  }
  const unsubscribers = eventNames.map((name) =>
    deps.events.on(name, (data) => {
      for (const window of BrowserWindow.getAllWindows()) {
        if (!window.isDestroyed()) window.webContents.send(eventChannel(name), data)
      }
    })
  )
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel)
    for (const unsubscribe of unsubscribers) unsubscribe()
  }
}
