// The renderer's one way to reach the services: the Electron preload bridge when `window.api`
// exists, otherwise browser mode's WebSocket on the host that served this page.
import type { Api } from '../../shared/contract'
import { SOCKET_PATH, TOKEN_PARAM } from '../../shared/socket-protocol'
import { takeAccessToken } from './access-token'
import { wrapBridgeApi } from './bridge-api'
import { createConnectionStatus, type ConnectionStatus } from './connection-state'
import { createSocketApi } from './socket-api'

function socketUrl(): string {
  const url = new URL(SOCKET_PATH, window.location.href)
  url.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
  url.hash = ''
  url.search = ''
  const token = takeAccessToken()
  if (token) url.searchParams.set(TOKEN_PARAM, token)
  return url.toString()
}

function chooseTransport(): { api: Api; connection: ConnectionStatus } {
  if (window.api) return { api: wrapBridgeApi(window.api), connection: createConnectionStatus('open') }
  const socket = createSocketApi({ url: socketUrl() })
  return { api: socket.api, connection: socket.connection }
}

const transport = chooseTransport()

export const api: Api = transport.api
export const connection: ConnectionStatus = transport.connection
export const runsInElectron = Boolean(window.api)
