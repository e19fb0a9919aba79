// `lora-studio serve`: browser mode. Serves the built renderer and the API over WebSocket on one
// port (loopback unless --host says otherwise) until Ctrl+C, and prints the address with its token.
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isLoopbackHost } from '../../server/host-guard'
import { DEFAULT_PORT, startStudioServer } from '../../server/studio-server'
import { flagOptions, type CliVerb } from '../cli-verb'

/** out/web of this checkout: where `npm run build:web` writes the renderer. */
export function defaultWebRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'out', 'web')
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new Error(`--port must be a whole number from 0 to 65535 (0 picks a free port), got "${value}"`)
  }
  return port
}

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolvePromise) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolvePromise(signal)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}

export const serveVerb: CliVerb = {
  name: 'serve',
  summary: 'Open LoRA Studio in a web browser: serve the app and its API on 127.0.0.1 with an access token',
  usage: 'lora-studio serve [--port N] [--host ADDRESS] [--web-dir DIR] [--data-dir DIR] [--json]',
  options: flagOptions(['port', 'host', 'web-dir']),
  async run({ values, json, io, openContext }) {
    const port = parsePort(typeof values.port === 'string' ? values.port : undefined)
    const host = typeof values.host === 'string' ? values.host : '127.0.0.1'
    const webRoot = typeof values['web-dir'] === 'string' ? resolve(values['web-dir']) : defaultWebRoot()
    if (!existsSync(join(webRoot, 'index.html'))) {
      throw new Error(
        `The browser renderer is not built (${join(webRoot, 'index.html')} is missing): run npm run build:web, or start with npm run serve, which builds it`
      )
    }
    if (!isLoopbackHost(host)) {
      io.err(
        `Warning: listening on ${host} makes LoRA Studio reachable from other machines; anyone with the address and token can train, read and delete your data. Prefer an SSH tunnel to 127.0.0.1.`
      )
    }
    const context = await openContext({ mode: 'browser' })
    const server = await startStudioServer({
      router: context.router,
      events: context.events,
      webRoot,
      host,
      port
    })
    if (json)
      io.out(
        JSON.stringify({ url: server.url, host: server.host, port: server.port, dataDir: context.dataDir })
      )
    else {
      io.out(`LoRA Studio is running at ${server.url}`)
      io.err(`Data folder: ${context.dataDir}. Press Ctrl+C to stop.`)
    }
    const signal = await waitForStopSignal()
    io.err(`Stopping LoRA Studio (${signal})…`)
    await server.close()
  }
}
