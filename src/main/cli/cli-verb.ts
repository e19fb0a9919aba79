// What a CLI verb is: its name, its own options (node:util parseArgs syntax) and what it runs.
// Each verb lives in its own file under verbs/ and is listed in verbs/index.ts.
import type { ParseArgsConfig } from 'node:util'
import type { AppContext, AppContextOptions } from '../app-context'

export type VerbOptions = NonNullable<ParseArgsConfig['options']>

/** parseArgs options for flags that take a value (`--model NAME`) and for on/off switches (`--overwrite`). */
export function flagOptions<V extends string, S extends string = never>(
  values: readonly V[],
  switches: readonly S[] = []
): Record<V, { type: 'string' }> & Record<S, { type: 'boolean' }> {
  return Object.fromEntries([
    ...values.map((name) => [name, { type: 'string' }] as const),
    ...switches.map((name) => [name, { type: 'boolean' }] as const)
  ]) as Record<V, { type: 'string' }> & Record<S, { type: 'boolean' }>
}

export interface CliIo {
  /** Writes to stdout (a newline is added). */
  out(text: string): void
  /** Writes to stderr (a newline is added): progress, warnings. */
  err(text: string): void
}

export interface VerbRun {
  /** The verb's own option values, plus the global ones (`data-dir`, `json`). */
  values: Record<string, string | boolean | (string | boolean)[] | undefined>
  positionals: string[]
  /** --json: print machine-readable output only. */
  json: boolean
  /** --data-dir, when given. */
  dataDir: string | undefined
  io: CliIo
  /** Opens the app context for the data folder (mode 'cli'); the CLI closes it when the verb ends. */
  openContext(overrides?: Partial<AppContextOptions>): Promise<AppContext>
}

export interface CliVerb {
  name: string
  /** One line for `lora-studio --help`. */
  summary: string
  /** Usage text for `lora-studio <verb> --help`, options included. */
  usage: string
  /** The verb's own flags; left out when it takes only the global ones (--data-dir, --json, --help). */
  options?: VerbOptions
  /** Whether the verb takes positional arguments (e.g. `resume RUN_ID`). */
  positionals?: boolean
  /** Resolves to the exit code (0 when omitted). Throw (ideally a ServiceError) to fail with its message. */
  run(run: VerbRun): Promise<number | void>
}
