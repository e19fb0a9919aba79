// Picks the TensorFlow.js backend once per engine process (tensorflow-gpu → webgpu on a hardware adapter →
// tensorflow → wasm → cpu, or the one LORA_STUDIO_BACKEND / the caller forces) and says why, so the UI can show
// the reason. A software WebGPU adapter (lavapipe, SwiftShader) is slower than wasm: used only when forced.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { ServiceError } from '../shared/errors'
import type { BackendInfo, BackendName, GpuAdapterInfo } from '../shared/system'
import { activeGpuAdapter, describeAdapter, findAdapter, maxBindingBytes } from './webgpu-adapter'

export { activeGpuAdapter, describeAdapter, maxBindingBytes }

/** Automatic order: the first that starts wins. */
export const backendNames: readonly BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']

/** Backends that run on a GPU (one device per process: data-parallel workers do not pay there). */
export function isGpuBackend(name: BackendName): boolean {
  return name === 'tensorflow-gpu' || name === 'webgpu'
}

/** The npm package that provides each backend. */
const packageOf: Record<BackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  webgpu: 'webgpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu'
}

const shortName: Record<BackendName, string> = {
  'tensorflow-gpu': 'tfjs-node-gpu',
  webgpu: 'webgpu',
  tensorflow: 'tfjs-node',
  wasm: 'wasm',
  cpu: 'cpu'
}

type Details = BackendInfo['details']

/** What a started backend reports: its facts, and the GPU adapter for webgpu. */
interface Loaded {
  details: Details
  adapter?: GpuAdapterInfo
}

/** A backend that could not be started: `notInstalled` distinguishes a missing package from a broken one. */
class BackendUnavailable extends Error {
  readonly notInstalled: boolean
  constructor(message: string, notInstalled: boolean) {
    super(message)
    this.name = 'BackendUnavailable'
    this.notInstalled = notInstalled
  }
}

export function isBackendName(value: string): value is BackendName {
  return (backendNames as readonly string[]).includes(value)
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  return text.split('\n')[0].trim()
}

function isModuleMissing(err: unknown, pkg: string): boolean {
  if (!(err instanceof Error)) return false
  const code = (err as NodeJS.ErrnoException).code
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && err.message.includes(pkg)
}

/** Imports an optional package whose name TypeScript must not resolve at build time. */
async function importOptional(name: BackendName): Promise<Record<string, unknown>> {
  const pkg = packageOf[name]
  try {
    return (await import(/* @vite-ignore */ pkg)) as Record<string, unknown>
  } catch (err) {
    if (isModuleMissing(err, pkg)) throw new BackendUnavailable(`${shortName[name]} not installed`, true)
    throw new BackendUnavailable(`${shortName[name]} failed to load (${firstLine(err)})`, false)
  }
}

async function activate(name: string, label: string): Promise<void> {
  let ok: boolean
  try {
    ok = await tf.setBackend(name)
  } catch (err) {
    throw new BackendUnavailable(`${label} failed to start (${firstLine(err)})`, false)
  }
  if (!ok) throw new BackendUnavailable(`${label} failed to start`, false)
  await tf.ready()
}

async function loadNative(name: 'tensorflow-gpu' | 'tensorflow'): Promise<Details> {
  const mod = await importOptional(name)
  // Both native packages register their backend under the name "tensorflow".
  await activate('tensorflow', shortName[name])
  const version = mod.version as Record<string, string> | undefined
  const details: Details = {}
  const nativeVersion = version?.[shortName[name]] ?? version?.['tfjs-node']
  if (nativeVersion) details.packageVersion = nativeVersion
  return details
}

let wasmPathsSet = false

async function loadWasm(): Promise<Details> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm')
  const require = createRequire(import.meta.url)
  const distDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/'
  if (!wasmPathsSet) {
    wasm.setWasmPaths(distDir)
    wasmPathsSet = true
  }
  await activate('wasm', 'wasm')
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')
  return { simd: simd === true, threads: threads === true, wasmDir: distDir }
}

async function loadCpu(): Promise<Details> {
  await import('@tensorflow/tfjs-backend-cpu')
  await activate('cpu', 'cpu')
  return {}
}

/**
 * Starts webgpu on Dawn's preferred adapter. A software adapter is refused unless `forced`: wasm is faster on
 * the same CPU cores.
 */
async function loadWebgpu(forced: boolean): Promise<Loaded> {
  let found: Awaited<ReturnType<typeof findAdapter>>
  try {
    found = await findAdapter()
  } catch (err) {
    if (isModuleMissing(err, 'webgpu')) throw new BackendUnavailable('webgpu not installed', true)
    throw new BackendUnavailable(`webgpu failed to load (${firstLine(err)})`, false)
  }
  if (found === null) throw new BackendUnavailable('webgpu found no GPU adapter', false)
  if (found.softwareWhy !== null && !forced) {
    throw new BackendUnavailable(
      `webgpu skipped: ${describeAdapter(found.info)} — a software emulation (${found.softwareWhy}), ` +
        'slower than wasm; set LORA_STUDIO_BACKEND=webgpu to use it anyway',
      false
    )
  }
  try {
    await found.start()
  } catch (err) {
    throw new BackendUnavailable(
      `webgpu failed to start on ${describeAdapter(found.info)} (${firstLine(err)})`,
      false
    )
  }
  return { details: {}, adapter: found.info }
}

async function load(name: BackendName, forced: boolean): Promise<Loaded> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return { details: await loadNative(name) }
    case 'webgpu':
      return loadWebgpu(forced)
    case 'wasm':
      return { details: await loadWasm() }
    case 'cpu':
      return { details: await loadCpu() }
  }
}

function describeChoice(name: BackendName, loaded: Loaded): string {
  if (loaded.adapter) return `${name} on ${describeAdapter(loaded.adapter)}`
  const details = loaded.details
  if (name !== 'wasm') return name
  const features = [details.simd ? 'SIMD' : 'no SIMD', details.threads ? 'threads' : null].filter(Boolean)
  return `wasm (${features.join(', ')})`
}

/** Where a forced choice came from, for the reason and for the error when it fails. */
function forcedBy(preferred: BackendName | undefined): { name: BackendName; source: string } | null {
  if (preferred) return { name: preferred, source: `requested (${preferred})` }
  const env = process.env.LORA_STUDIO_BACKEND?.trim()
  if (!env) return null
  if (!isBackendName(env)) {
    throw new ServiceError(
      'engine_error',
      `LORA_STUDIO_BACKEND=${env} is not a backend; use one of ${backendNames.join(', ')}, or unset it`
    )
  }
  return { name: env, source: `forced by LORA_STUDIO_BACKEND=${env}` }
}

function withAdapter(name: BackendName, loaded: Loaded, reason: string): BackendInfo {
  const info: BackendInfo = { name, reason, details: loaded.details }
  if (loaded.adapter) info.adapter = loaded.adapter
  return info
}

/**
 * Starts a tfjs backend and reports which one and why. With `preferred` (or LORA_STUDIO_BACKEND)
 * only that backend is tried and a failure throws; otherwise the first that loads wins.
 */
export async function initBackend(preferred?: BackendName): Promise<BackendInfo> {
  const forced = forcedBy(preferred)
  if (forced) {
    try {
      const loaded = await load(forced.name, true)
      const on = loaded.adapter ? `; on ${describeAdapter(loaded.adapter)}` : ''
      return withAdapter(forced.name, loaded, forced.source + on)
    } catch (err) {
      const why = err instanceof BackendUnavailable ? err.message : firstLine(err)
      const hint =
        err instanceof BackendUnavailable && err.notInstalled ? `; install ${packageOf[forced.name]}` : ''
      throw new ServiceError(
        'engine_error',
        `Backend "${forced.name}" ${forced.source} could not be used: ${why}${hint}, or choose another backend`
      )
    }
  }
  const skipped: string[] = []
  for (const name of backendNames) {
    try {
      const loaded = await load(name, false)
      return withAdapter(name, loaded, [...skipped, `using ${describeChoice(name, loaded)}`].join('; '))
    } catch (err) {
      skipped.push(
        err instanceof BackendUnavailable ? err.message : `${shortName[name]} failed (${firstLine(err)})`
      )
    }
  }
  throw new ServiceError('engine_error', `No TensorFlow.js backend could be started: ${skipped.join('; ')}`)
}

let chosen: Promise<BackendInfo> | null = null

/** The backend of this engine process: chosen on first use, then the same answer every time. */
export function engineBackend(): Promise<BackendInfo> {
  chosen ??= initBackend()
  return chosen
}
