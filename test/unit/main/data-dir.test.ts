// Where the data folder goes: the explicit folder, else LORA_STUDIO_HOME, else the platform's
// default (the same folder Electron's userData gives an app named lora-studio).
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { defaultDataDir, prepareDataDir, resolveDataDir } from '../../../src/main/data-dir'

describe('data folder', () => {
  it('follows each platform’s convention', () => {
    expect(defaultDataDir('linux', {}, '/home/u')).toBe('/home/u/.config/lora-studio')
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/xdg' }, '/home/u')).toBe('/xdg/lora-studio')
    expect(defaultDataDir('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/lora-studio')
    expect(defaultDataDir('win32', { APPDATA: 'C:/Users/u/AppData/Roaming' }, 'C:/Users/u')).toMatch(
      /^C:\/Users\/u\/AppData\/Roaming[\\/]lora-studio$/
    )
  })

  it('prefers the explicit folder, then LORA_STUDIO_HOME', () => {
    expect(resolveDataDir('/data/explicit', { LORA_STUDIO_HOME: '/data/home' })).toBe('/data/explicit')
    expect(resolveDataDir(undefined, { LORA_STUDIO_HOME: '/data/home' })).toBe('/data/home')
  })

  it.skipIf(!existsSync('/proc/self'))('refuses a folder under /proc at once instead of spinning', () => {
    expect(() => prepareDataDir('/proc/nope/x')).toThrow(
      'Cannot create /proc/nope/x: /proc does not accept new folders. Choose another data folder with --data-dir or LORA_STUDIO_HOME.'
    )
  })
})
