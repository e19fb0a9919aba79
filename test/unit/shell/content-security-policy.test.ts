// The renderer's Content-Security-Policy: the <meta> copy in index.html (the only policy a file://
// page gets in the desktop app) is the app's one policy, with no socket to any host, and the
// browser-mode server replaces it by its header, which names the exact socket and frame-ancestors.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, withoutMetaPolicy } from '../../../src/main/content-security-policy'

const indexHtml = readFileSync(resolve(import.meta.dirname, '../../../src/renderer/index.html'), 'utf8')

function metaPolicy(html: string): string | null {
  const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*\/?>/i.exec(html)
  return match ? match[1] : null
}

describe('content security policy', () => {
  it("index.html's meta is the app's policy: connect-src 'self' only, no frame-ancestors", () => {
    const meta = metaPolicy(indexHtml)
    expect(meta).toBe(contentSecurityPolicy({ forMeta: true }))
    expect(meta).toContain("connect-src 'self';")
    expect(meta).not.toMatch(/\bws:|\bwss:/)
    // Ignored (with a console error) when delivered by <meta>; the header carries it.
    expect(meta).not.toContain('frame-ancestors')
  })

  it('the header form adds frame-ancestors and only the sockets it is given', () => {
    expect(contentSecurityPolicy({ connectSrc: ['ws://127.0.0.1:5719'] })).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self' ws://127.0.0.1:5719; object-src 'none'; base-uri 'none'; " +
        "form-action 'none'; frame-ancestors 'none'"
    )
  })

  it('browser mode serves index.html without the meta, so its header alone applies', () => {
    const served = withoutMetaPolicy(indexHtml)
    expect(metaPolicy(indexHtml)).not.toBeNull()
    expect(served).not.toContain('Content-Security-Policy')
    expect(served).toContain('<meta charset="UTF-8" />')
    expect(served).toContain('<div id="app"></div>')
    expect(indexHtml.length - served.length).toBeGreaterThan(100)
  })
})
