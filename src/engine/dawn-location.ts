// Where the `webgpu` package (Dawn's dawn.node and its small loader) is loaded from. It ships one dawn.node per
// platform under dist/<platform>-<arch>/. In the packaged app the package lies inside app.asar, from which no
// process can dlopen a library, so electron-builder unpacks it to app.asar.unpacked (electron-builder.yml) and
// the engine imports it from there; in the CLI, browser mode and the bench pack it is a plain node_modules folder.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import * as nodePath from 'node:path'

/** The platforms the webgpu package ships dawn.node for (the folder names under its dist/). */
export const dawnPlatforms = ['linux-x64', 'linux-arm64', 'darwin-universal', 'win32-x64', 'win32-arm64']

/** dist/ folder of this platform: one universal binary on macOS, one per CPU elsewhere. */
export function dawnPlatformDir(platform: string, arch: string): string {
  return platform === 'darwin' ? 'darwin-universal' : `${platform}-${arch}`
}

/** The same path with its app.asar folder replaced by app.asar.unpacked, or null outside an asar archive. */
export function unpackedPath(path: string): string | null {
  const replaced = path.replace(/([\\/])app\.asar(?=[\\/])/, '$1app.asar.unpacked')
  return replaced === path ? null : replaced
}

export interface DawnHost {
  platform: string
  arch: string
  exists(path: string): boolean
  path: Pick<typeof nodePath, 'dirname' | 'join'>
}

const thisHost: DawnHost = {
  platform: process.platform,
  arch: process.arch,
  exists: existsSync,
  path: nodePath
}

/**
 * The webgpu entry file to import, given where module resolution found it: the app.asar.unpacked copy when the
 * package sits inside app.asar. Throws, saying what to do, when this platform's dawn.node is not there.
 */
export function webgpuEntryFrom(resolved: string, host: DawnHost = thisHost): string {
  const unpacked = unpackedPath(resolved)
  const entry = unpacked !== null && host.exists(unpacked) ? unpacked : resolved
  const dir = dawnPlatformDir(host.platform, host.arch)
  const dawn = host.path.join(host.path.dirname(entry), 'dist', dir, 'dawn.node')
  if (host.exists(dawn)) return entry
  if (!dawnPlatforms.includes(dir)) {
    throw new Error(
      `Dawn (the webgpu package) has no dawn.node for ${dir}; it ships ${dawnPlatforms.join(', ')}. ` +
        'Use another backend (LORA_STUDIO_BACKEND=wasm)'
    )
  }
  if (unpacked !== null) {
    throw new Error(
      `dawn.node for ${dir} is not in ${host.path.dirname(unpackedPath(dawn) ?? dawn)}: this build did not unpack ` +
        'node_modules/webgpu from app.asar (asarUnpack in electron-builder.yml); reinstall LoRA Studio from a fixed build'
    )
  }
  throw new Error(`${dawn} is missing: the webgpu package is incomplete; reinstall it (npm ci)`)
}

/** The entry of the webgpu package as this process should import it. */
export function webgpuEntry(): string {
  return webgpuEntryFrom(createRequire(import.meta.url).resolve('webgpu'))
}
