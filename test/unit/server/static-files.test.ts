// Path resolution of the browser-mode static server: files inside the web root resolve, anything
// that escapes it (.., encoded separators, NUL, backslashes) is refused; content types are right.
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { contentTypeOf, resolveStaticPath } from '../../../src/main/server/static-files'

const root = resolve('/srv/web')

describe('resolveStaticPath', () => {
  it('maps / to index.html and plain paths inside the root', () => {
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'))
    expect(resolveStaticPath(root, '/assets/index-abc.js')).toBe(join(root, 'assets', 'index-abc.js'))
    expect(resolveStaticPath(root, '/favicon%20copy.svg')).toBe(join(root, 'favicon copy.svg'))
  })

  it('refuses paths that leave the root', () => {
    expect(resolveStaticPath(root, '/../secret.txt')).toBeNull()
    expect(resolveStaticPath(root, '/assets/../../secret.txt')).toBeNull()
    expect(resolveStaticPath(root, '/%2e%2e/secret.txt')).toBeNull()
    expect(resolveStaticPath(root, '/..%2fsecret.txt')).toBeNull()
    expect(resolveStaticPath(root, '/..%5csecret.txt')).toBeNull()
    expect(resolveStaticPath(root, '/index.html%00.png')).toBeNull()
    expect(resolveStaticPath(root, '/%E0%A4%A')).toBeNull()
    expect(resolveStaticPath(root, 'relative.txt')).toBeNull()
  })

  it('names the content type of each file the renderer build holds', () => {
    expect(contentTypeOf('index.html')).toBe('text/html; charset=utf-8')
    expect(contentTypeOf('a/index-1.JS')).toBe('text/javascript; charset=utf-8')
    expect(contentTypeOf('x.css')).toBe('text/css; charset=utf-8')
    expect(contentTypeOf('favicon.svg')).toBe('image/svg+xml')
    expect(contentTypeOf('tfjs-backend-wasm-simd.wasm')).toBe('application/wasm')
    expect(contentTypeOf('unknown.bin')).toBe('application/octet-stream')
  })
})
