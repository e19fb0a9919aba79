// Schemas and types of the system and settings domains: what the app reports about itself
// (backend, versions, data folder) and the user's preferences (language, theme).
import { z } from 'zod'

export const EmptyInput = z.strictObject({})
export const IdInput = z.strictObject({ id: z.number().int().positive() })

export const Language = z.enum(['en', 'zh-CN'])
export const Theme = z.enum(['system', 'light', 'dark'])
export type LanguageCode = z.infer<typeof Language>
export type ThemeName = z.infer<typeof Theme>

/** The desktop app's open dialog: files (several) or one folder. */
export const PickPathsInput = z.strictObject({ directory: z.boolean() })
export type PickPathsOptions = z.infer<typeof PickPathsInput>
export interface PickPathsResult {
  /** Absolute paths chosen; empty when the person cancelled. */
  paths: string[]
}

export const SettingsPatch = z.strictObject({
  language: Language.optional(),
  theme: Theme.optional()
})

export interface Settings {
  language: LanguageCode
  theme: ThemeName
}

export type BackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu'

/** The WebGPU adapter the webgpu backend runs on (or the one it skipped), as Dawn reports it. */
export interface GpuAdapterInfo {
  /** e.g. "nvidia", "amd", "mesa"; may be empty. */
  vendor: string
  /** e.g. "hopper", "rdna-3", "software"; may be empty. */
  architecture: string
  /** Driver's device string, e.g. "llvmpipe-llvm-15-0-6-256-bits-". */
  device: string
  /** Human description, e.g. "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)". */
  description: string
  /** A CPU emulation (lavapipe, SwiftShader, WARP, fallback adapter): correct but slower than wasm. */
  software: boolean
  /** Largest buffer one shader may bind: no tensor may be bigger (bytes). */
  maxStorageBufferBindingSize: number
  /** Largest buffer the device may allocate (bytes). */
  maxBufferSize: number
}

export interface BackendInfo {
  /** The tfjs backend in use. */
  name: BackendName
  /** Why it was chosen, e.g. "tfjs-node-gpu not installed; using wasm (SIMD)". */
  reason: string
  /** Extra facts the backend reports (SIMD, threads, GPU name). */
  details: Record<string, string | number | boolean>
  /** The GPU adapter, when the backend is webgpu. */
  adapter?: GpuAdapterInfo
}

export interface SystemInfo {
  appVersion: string
  backend: BackendInfo
  versions: { tfjs: string; node: string; electron: string | null; chrome: string | null; sqlite: string }
  mode: 'electron' | 'browser' | 'cli'
  dataDir: string
  databasePath: string
  databaseBytes: number
  platform: string
  arch: string
  cpus: number
  totalMemoryBytes: number
}

export interface EngineStatusEvent {
  state: 'starting' | 'ready' | 'crashed' | 'stopped'
  /** For a crash: exit code or signal and what the engine was doing. */
  message?: string
}
