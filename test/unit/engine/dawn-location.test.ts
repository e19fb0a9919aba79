// Where the engine loads Dawn from: a plain node_modules folder in the CLI, browser mode and the bench pack, and
// app.asar.unpacked in the packaged desktop app (a library inside app.asar cannot be dlopened).
import * as nodePath from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  dawnPlatformDir,
  unpackedPath,
  webgpuEntry,
  webgpuEntryFrom
} from '../../../src/engine/dawn-location'
import type { DawnHost } from '../../../src/engine/dawn-location'

function host(files: string[], platform = 'linux', arch = 'x64', path = nodePath.posix): DawnHost {
  return { platform, arch, exists: (p) => files.includes(p), path }
}

const asarEntry = '/opt/LoRA Studio/resources/app.asar/node_modules/webgpu/index.js'
const unpackedEntry = '/opt/LoRA Studio/resources/app.asar.unpacked/node_modules/webgpu/index.js'
const unpackedDawn =
  '/opt/LoRA Studio/resources/app.asar.unpacked/node_modules/webgpu/dist/linux-x64/dawn.node'

describe('webgpu entry', () => {
  it('imports the checkout or pack node_modules copy as module resolution found it', () => {
    const entry = '/work/app/node_modules/webgpu/index.js'
    expect(
      webgpuEntryFrom(entry, host([entry, '/work/app/node_modules/webgpu/dist/linux-x64/dawn.node']))
    ).toBe(entry)
  })

  it('imports the app.asar.unpacked copy in the packaged app', () => {
    expect(webgpuEntryFrom(asarEntry, host([asarEntry, unpackedEntry, unpackedDawn]))).toBe(unpackedEntry)
  })

  it('handles Windows paths and the per-arch folder there', () => {
    const entry = 'C:\\Program Files\\LoRA Studio\\resources\\app.asar\\node_modules\\webgpu\\index.js'
    const unpacked =
      'C:\\Program Files\\LoRA Studio\\resources\\app.asar.unpacked\\node_modules\\webgpu\\index.js'
    const dawn =
      'C:\\Program Files\\LoRA Studio\\resources\\app.asar.unpacked\\node_modules\\webgpu\\dist\\win32-arm64\\dawn.node'
    expect(webgpuEntryFrom(entry, host([unpacked, dawn], 'win32', 'arm64', nodePath.win32))).toBe(unpacked)
  })

  it('says the build did not unpack Dawn when app.asar.unpacked lacks it', () => {
    expect(() => webgpuEntryFrom(asarEntry, host([asarEntry]))).toThrow(
      'dawn.node for linux-x64 is not in /opt/LoRA Studio/resources/app.asar.unpacked/node_modules/webgpu/dist/linux-x64: ' +
        'this build did not unpack node_modules/webgpu from app.asar (asarUnpack in electron-builder.yml)'
    )
  })

  it('names the shipped platforms when this one has no dawn.node', () => {
    const entry = '/usr/lib/node_modules/webgpu/index.js'
    expect(() => webgpuEntryFrom(entry, host([entry], 'freebsd', 'x64'))).toThrow(
      /no dawn\.node for freebsd-x64; it ships linux-x64, linux-arm64, darwin-universal, win32-x64, win32-arm64/
    )
  })

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'finds the real package of this checkout with its linux-x64 dawn.node',
    () => {
      expect(webgpuEntry()).toMatch(/node_modules\/webgpu\/index\.js$/)
    }
  )
})

describe('dawn paths', () => {
  it('uses the universal binary on macOS and the arch folder elsewhere', () => {
    expect(dawnPlatformDir('darwin', 'arm64')).toBe('darwin-universal')
    expect(dawnPlatformDir('linux', 'arm64')).toBe('linux-arm64')
  })

  it('rewrites only a whole app.asar folder', () => {
    expect(unpackedPath('/a/app.asar/b')).toBe('/a/app.asar.unpacked/b')
    expect(unpackedPath('/a/app.asar.unpacked/b')).toBeNull()
    expect(unpackedPath('/a/myapp.asar/b')).toBeNull()
  })
})
