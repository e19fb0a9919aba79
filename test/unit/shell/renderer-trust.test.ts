// The Electron shell's checks, kept in a plain module: which page may call IPC (our file:// index
// or the dev server) and which links may be opened in the system browser.
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { isSafeExternalUrl, isTrustedRendererUrl } from '../../../src/main/shell/renderer-trust'

const indexPath = '/opt/LoRA Studio/resources/app.asar/out/renderer/index.html'
const fileSource = { kind: 'file', indexPath } as const
const devSource = { kind: 'dev', url: 'http://localhost:5173/' } as const

describe('isTrustedRendererUrl', () => {
  it('trusts our index.html with any hash route or query', () => {
    const url = pathToFileURL(indexPath).href
    expect(isTrustedRendererUrl(url, fileSource, 'linux')).toBe(true)
    expect(isTrustedRendererUrl(`${url}#/settings`, fileSource, 'linux')).toBe(true)
    expect(isTrustedRendererUrl(`${url}?x=1#/runs/3`, fileSource, 'linux')).toBe(true)
  })

  it('refuses other files, other hosts and other schemes', () => {
    expect(isTrustedRendererUrl('file:///tmp/evil.html', fileSource, 'linux')).toBe(false)
    expect(
      isTrustedRendererUrl(
        'file:///opt/LoRA%20Studio/resources/app.asar/out/renderer/../evil.html',
        fileSource,
        'linux'
      )
    ).toBe(false)
    expect(
      isTrustedRendererUrl(
        'file://server/opt/LoRA%20Studio/resources/app.asar/out/renderer/index.html',
        fileSource,
        'linux'
      )
    ).toBe(false)
    expect(isTrustedRendererUrl('https://example.com/index.html', fileSource, 'linux')).toBe(false)
    expect(isTrustedRendererUrl('about:blank', fileSource, 'linux')).toBe(false)
    expect(isTrustedRendererUrl('not a url', fileSource, 'linux')).toBe(false)
  })

  it('trusts exactly the dev server origin during development', () => {
    expect(isTrustedRendererUrl('http://localhost:5173/#/train', devSource)).toBe(true)
    expect(isTrustedRendererUrl('http://localhost:5174/', devSource)).toBe(false)
    expect(isTrustedRendererUrl('http://127.0.0.1:5173/', devSource)).toBe(false)
    expect(isTrustedRendererUrl('file:///tmp/index.html', devSource)).toBe(false)
  })

  it('compares Windows paths without regard to case', () => {
    const win = {
      kind: 'file',
      indexPath: 'C:\\Program Files\\LoRA Studio\\out\\renderer\\index.html'
    } as const
    expect(
      isTrustedRendererUrl(
        'file:///c:/program%20files/LoRA%20Studio/out/renderer/index.html#/chat',
        win,
        'win32'
      )
    ).toBe(true)
    expect(
      isTrustedRendererUrl('file:///C:/Program%20Files/LoRA%20Studio/out/renderer/evil.html', win, 'win32')
    ).toBe(false)
    expect(
      isTrustedRendererUrl('file:///D:/Program%20Files/LoRA%20Studio/out/renderer/index.html', win, 'win32')
    ).toBe(false)
  })
})

describe('isSafeExternalUrl', () => {
  it('allows plain http(s) links and nothing else', () => {
    expect(isSafeExternalUrl('https://huggingface.co/gpt2')).toBe(true)
    expect(isSafeExternalUrl('http://localhost:8080/docs')).toBe(true)
    expect(isSafeExternalUrl('file:///etc/passwd')).toBe(false)
    expect(isSafeExternalUrl('javascript:alert(1)')).toBe(false)
    expect(isSafeExternalUrl('smb://host/share')).toBe(false)
    expect(isSafeExternalUrl('https://user:pw@example.com/')).toBe(false)
    expect(isSafeExternalUrl('nonsense')).toBe(false)
  })
})
