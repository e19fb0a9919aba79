// The browser-mode message limit: measured against the largest requests the contract accepts (so
// no valid message comes near it), and enforced by the renderer's socket client before sending, so
// an over-long request fails alone instead of closing the connection under every other call.
import { describe, expect, it } from 'vitest'
import { createSocketApi, type SocketLike } from '../../../src/renderer/api/socket-api'
import { inputSchemaOf, type ChannelName } from '../../../src/shared/contract'
import { ApiCallError } from '../../../src/shared/errors'
import { MAX_SOCKET_MESSAGE_BYTES } from '../../../src/shared/socket-protocol'

/** The worst case for JSON size: every character a control character, escaped as \u00XX (6 bytes). */
const worstText = (length: number) => '\u0001'.repeat(length)
const longPath = `/home/someone/${'d'.repeat(240)}/model`

/** The request as the client puts it on the wire, after checking the contract accepts its payload. */
function wireBytes(channel: ChannelName, payload: unknown): number {
  inputSchemaOf(channel).parse(payload)
  return Buffer.byteLength(JSON.stringify({ id: Number.MAX_SAFE_INTEGER, channel, payload }))
}

describe('socket message limit', () => {
  it('is 4 MiB, over six times the largest valid bounded request', () => {
    const target = { modelPath: longPath, adapter: { kind: 'path', path: longPath } }
    const sizes = {
      'chat.send': wireBytes('chat.send', { chatId: 1, content: worstText(100_000) }),
      'chat.compare': wireBytes('chat.compare', {
        compareId: 'c'.repeat(100),
        prompt: worstText(100_000),
        targets: [target, target, target, target],
        options: { stopSequences: Array.from({ length: 8 }, () => worstText(200)) }
      }),
      'runs.notes': wireBytes('runs.notes', { id: 1, notes: worstText(100_000) })
    }
    const largest = Math.max(...Object.values(sizes))
    expect(largest).toBe(sizes['chat.compare'])
    expect(largest).toBeGreaterThan(600_000)
    expect(MAX_SOCKET_MESSAGE_BYTES).toBe(4 * 1024 * 1024)
    expect(MAX_SOCKET_MESSAGE_BYTES / largest).toBeGreaterThan(6)
  })

  it('fits a dataset import of 2,000 files with 250-character paths', () => {
    const paths = Array.from({ length: 2000 }, (_, i) => `${longPath.slice(0, 240)}/${i}.jsonl`)
    expect(wireBytes('datasets.inspect', { paths })).toBeLessThan(MAX_SOCKET_MESSAGE_BYTES / 6)
  })
})

function fakeSocket(): SocketLike & { sent: string[]; open(): void } {
  const listeners = new Map<string, ((event: { data?: unknown }) => void)[]>()
  return {
    readyState: 0,
    sent: [],
    send(data) {
      this.sent.push(data)
    },
    close() {},
    addEventListener(type, listener) {
      listeners.set(type, [...(listeners.get(type) ?? []), listener])
    },
    open() {
      ;(this as { readyState: number }).readyState = 1
      for (const listener of listeners.get('open') ?? []) listener({})
    }
  }
}

describe('renderer socket client', () => {
  it('refuses a request over the limit without sending it, and keeps the connection for others', async () => {
    const socket = fakeSocket()
    const client = createSocketApi({ url: 'ws://127.0.0.1:1/api', createSocket: () => socket })
    socket.open()
    const paths = Array.from({ length: 20_000 }, (_, i) => `${longPath}/${i}.jsonl`)
    const refused = await client.api.datasets.inspect({ paths }).catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(ApiCallError)
    expect((refused as ApiCallError).code).toBe('invalid_input')
    expect((refused as ApiCallError).message).toMatch(
      /^This request is 5\.\d MiB; the LoRA Studio server accepts at most 4\.0 MiB per request\. Shorten the text or choose fewer files\.$/
    )
    expect(socket.sent).toEqual([])
    void client.api.settings.get({})
    expect(socket.sent.map((m) => (JSON.parse(m) as { channel: string }).channel)).toEqual(['settings.get'])
    client.close()
  })
})
