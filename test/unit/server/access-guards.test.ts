// The browser-mode access rules: which token a request presents (URL, subprotocol, cookie), how it
// is judged (401 without, 403 when wrong), and which Host and Origin headers are answered.
import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import {
  checkToken,
  createAccessToken,
  parseCookies,
  presentedTokens,
  tokenCookie,
  tokensEqual
} from '../../../src/main/server/access-token'
import { allowedHostHeaders, isAllowedHost, isSameOrigin } from '../../../src/main/server/host-guard'

function request(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage
}

describe('access token', () => {
  it('is random, URL-safe and 32 characters long', () => {
    const a = createAccessToken()
    const b = createAccessToken()
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(a).not.toBe(b)
  })

  it('compares tokens of any length', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true)
    expect(tokensEqual('abc', 'abd')).toBe(false)
    expect(tokensEqual('', 'abc')).toBe(false)
  })

  it('reads the token from the query, the subprotocol and the per-port cookie, query first', () => {
    const req = request({
      cookie: 'other=1; lora_studio_5719=fromcookie; lora_studio_9999=wrongport',
      'sec-websocket-protocol': 'lora-studio.v1, lora-studio.token.fromprotocol'
    })
    const url = new URL('http://127.0.0.1:5719/?token=fromquery')
    expect(presentedTokens(req, url, 5719)).toEqual([
      { token: 'fromquery', source: 'query' },
      { token: 'fromprotocol', source: 'subprotocol' },
      { token: 'fromcookie', source: 'cookie' }
    ])
  })

  it('answers 401 without a token, 403 with a wrong one, and accepts a stale cookie beside a right URL', () => {
    const url = new URL('http://127.0.0.1:5719/')
    const none = checkToken(request({}), url, 5719, 'secret')
    expect(none).toMatchObject({ ok: false, status: 401 })
    const wrong = checkToken(request({}), new URL('http://127.0.0.1:5719/?token=guess'), 5719, 'secret')
    expect(wrong).toMatchObject({ ok: false, status: 403 })
    const fresh = checkToken(
      request({ cookie: 'lora_studio_5719=old' }),
      new URL('http://127.0.0.1:5719/?token=secret'),
      5719,
      'secret'
    )
    expect(fresh).toEqual({ ok: true, source: 'query' })
    const byCookie = checkToken(request({ cookie: 'lora_studio_5719=secret' }), url, 5719, 'secret')
    expect(byCookie).toEqual({ ok: true, source: 'cookie' })
  })

  it('sets an HttpOnly, SameSite=Strict cookie and parses cookie headers', () => {
    expect(tokenCookie(5719, 'abc')).toBe('lora_studio_5719=abc; HttpOnly; SameSite=Strict; Path=/')
    expect([...parseCookies(' a=1 ;b = 2;;broken; c=x=y')]).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', 'x=y']
    ])
  })
})

describe('host and origin', () => {
  it('answers only loopback host names on a loopback bind', () => {
    const allowed = allowedHostHeaders('127.0.0.1', 5719)
    expect(isAllowedHost('127.0.0.1:5719', allowed)).toBe(true)
    expect(isAllowedHost('localhost:5719', allowed)).toBe(true)
    expect(isAllowedHost('[::1]:5719', allowed)).toBe(true)
    expect(isAllowedHost('evil.example:5719', allowed)).toBe(false)
    expect(isAllowedHost('127.0.0.1:80', allowed)).toBe(false)
    expect(isAllowedHost(undefined, allowed)).toBe(false)
  })

  it('answers any host name when bound beyond loopback', () => {
    const allowed = allowedHostHeaders('0.0.0.0', 5719)
    expect(allowed).toBeNull()
    expect(isAllowedHost('gpu-box.lan:5719', allowed)).toBe(true)
  })

  it('accepts a socket only from a page of the same host, or from a non-browser client', () => {
    expect(isSameOrigin('http://127.0.0.1:5719', '127.0.0.1:5719')).toBe(true)
    expect(isSameOrigin('http://localhost:5719', '127.0.0.1:5719')).toBe(false)
    expect(isSameOrigin('https://evil.example', '127.0.0.1:5719')).toBe(false)
    expect(isSameOrigin('null', '127.0.0.1:5719')).toBe(false)
    expect(isSameOrigin('file://', '127.0.0.1:5719')).toBe(false)
    expect(isSameOrigin(undefined, '127.0.0.1:5719')).toBe(true)
  })
})
