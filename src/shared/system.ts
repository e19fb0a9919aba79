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

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'

export interface BackendInfo {
  /** The tfjs backend in use. */
  name: BackendName
  /** Why it was chosen, e.g. "tfjs-node-gpu not installed; using wasm (SIMD)". */
  reason: string
  /** Extra facts the backend reports (SIMD, threads, GPU name). */
  details: Record<string, string | number | boolean>
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
