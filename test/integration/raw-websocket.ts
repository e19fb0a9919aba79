// Test helper: speaks the WebSocket wire format by hand over a plain TCP socket, so a test can send
// what no well-behaved client would (unmasked, reserved opcodes, bad UTF-8, absurd lengths) after a
// real, token-carrying upgrade, and read back the close code the server answers with.
import { connect, type Socket } from 'node:net'

const MASK = Buffer.from([0x11, 0x22, 0x33, 0x44])

/** One client frame: FIN set, masked unless told otherwise, with a 7/16/64-bit length as needed. */
export function clientFrame(opcode: number, payload: Buffer, options: { masked?: boolean } = {}): Buffer {
  const masked = options.masked ?? true
  const length = payload.length
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | length])
      : length < 65536
        ? Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | 127]), u64(length)])
  if (!masked) return Buffer.concat([header, payload])
  const body = Buffer.from(payload.map((byte, i) => byte ^ MASK[i % 4]))
  return Buffer.concat([header, MASK, body])
}

function u64(value: number): Buffer {
  const bytes = Buffer.alloc(8)
  bytes.writeBigUInt64BE(BigInt(value))
  return bytes
}

/** Only the header of a masked text frame that announces `length` bytes; the body never comes. */
export function announcedFrame(length: number): Buffer {
  return Buffer.concat([Buffer.from([0x81, 0x80 | 127]), u64(length), MASK])
}

/** The four malformed frames of the issue, each with the close code RFC 6455 asks for. */
export const malformedFrames: { name: string; frame: Buffer; code: number; log: RegExp }[] = [
  {
    name: 'an unmasked frame (81 02 7b 7d)',
    frame: Buffer.from([0x81, 0x02, 0x7b, 0x7d]),
    code: 1002,
    log: /WS_ERR_EXPECTED_MASK/
  },
  {
    name: 'a reserved opcode (0x3)',
    frame: clientFrame(0x3, Buffer.from('{}')),
    code: 1002,
    log: /WS_ERR_INVALID_OPCODE/
  },
  {
    name: 'a text frame of invalid UTF-8',
    frame: clientFrame(0x1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])),
    code: 1007,
    log: /WS_ERR_INVALID_UTF8/
  },
  {
    name: 'a header announcing more than 64 MiB',
    frame: announcedFrame(64 * 1024 * 1024 + 1),
    code: 1009,
    log: /WS_ERR_UNSUPPORTED_MESSAGE_LENGTH/
  }
]

export interface RawAnswer {
  /** The HTTP status line the server answered the upgrade with. */
  statusLine: string
  /** The code of the server's close frame; null when the connection ended without one. */
  closeCode: number | null
}

/** The close code in the server's (unmasked) frames, skipping any pushed events before it. */
function findCloseCode(data: Buffer): number | null | undefined {
  let at = 0
  while (at + 2 <= data.length) {
    const opcode = data[at] & 0x0f
    let length = data[at + 1] & 0x7f
    let headerLength = 2
    if (length === 126) {
      if (at + 4 > data.length) return undefined
      length = data.readUInt16BE(at + 2)
      headerLength = 4
    } else if (length === 127) {
      if (at + 10 > data.length) return undefined
      length = Number(data.readBigUInt64BE(at + 2))
      headerLength = 10
    }
    if (at + headerLength + length > data.length) return undefined
    if (opcode === 0x8) return length >= 2 ? data.readUInt16BE(at + headerLength) : null
    at += headerLength + length
  }
  return undefined
}

/**
 * Opens a raw TCP connection, sends `request` (an HTTP request, usually an upgrade), then, once the
 * server answered 101, `frame`; resolves with the status line and the close code the server sent.
 */
export function sendRaw(
  port: number,
  request: string,
  frame?: Buffer,
  timeoutMs = 10_000
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(request))
    let received = Buffer.alloc(0)
    let statusLine = ''
    let afterHandshake: Buffer | null = null
    const finish = (closeCode: number | null) => {
      clearTimeout(timer)
      socket.destroy()
      resolve({ statusLine, closeCode })
    }
    const timer = setTimeout(() => finish(null), timeoutMs)
    socket.on('data', (chunk: Buffer) => {
      if (afterHandshake === null) {
        received = Buffer.concat([received, chunk])
        const end = received.indexOf('\r\n\r\n')
        if (end < 0) return
        statusLine = received.subarray(0, received.indexOf('\r\n')).toString('latin1')
        afterHandshake = received.subarray(end + 4)
        if (!statusLine.includes(' 101 ')) return finish(null)
        if (frame) socket.write(frame)
      } else afterHandshake = Buffer.concat([afterHandshake, chunk])
      const code = findCloseCode(afterHandshake)
      if (code !== undefined) finish(code)
    })
    socket.on('error', () => undefined)
    socket.on('close', () => finish(afterHandshake ? (findCloseCode(afterHandshake) ?? null) : null))
  })
}

/** A WebSocket upgrade request for `path`, as a browser-less client (no Origin) sends it. */
export function upgradeRequest(port: number, path: string): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`
  )
}
