// Where the bench finds what it runs besides itself: each case's child-process entry and PyTorch's
// reference script. From a checkout these are TypeScript files run through tsx and tools/pytorch;
// in the self-contained pack (`npm run bench:pack`) the one bundle is every entry and the script sits beside it.
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** The argument that makes the pack's bundle run one case instead of the CLI. */
export const CASE_PROCESS_FLAG = '--case-process'

/** How to start one child entry: the file Node runs, its arguments and Node's own flags. */
export interface ChildLaunch {
  file: string
  args: string[]
  execArgv: string[]
}

export interface BenchLayout {
  /** How a person starts the bench here, for the usage text. */
  command: string
  /** `script` is the checkout's entry file name under bench/ (case-process.ts, import-case.ts). */
  child(script: string, args: string[]): ChildLaunch
  /** PyTorch's reference for training cases (the default) or for generate cases. */
  torchScript(script?: TorchScript): string
}

/** The PyTorch scripts the bench runs beside its cases (tools/pytorch, or beside the pack's bundle). */
export type TorchScript = 'torch_lora_bench.py' | 'torch_generate_bench.py'

const benchDir = dirname(fileURLToPath(import.meta.url))

/** LORA_STUDIO_TORCH_BENCH names torch_lora_bench.py; the generate script is taken from beside it. */
function torchScriptOverride(script: TorchScript): string | undefined {
  const path = process.env.LORA_STUDIO_TORCH_BENCH || undefined
  return path === undefined || script === 'torch_lora_bench.py' ? path : join(dirname(path), script)
}

/** Running from the repository: each child is a .ts file under bench/ run through tsx. */
export const checkoutLayout: BenchLayout = {
  command: 'npm run bench --',
  child(script, args) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
    return { file: join(benchDir, script), args, execArgv: ['--import', tsx, '--expose-gc'] }
  },
  torchScript(script = 'torch_lora_bench.py') {
    return torchScriptOverride(script) ?? resolve(benchDir, '../tools/pytorch', script)
  }
}

/** Running from the pack: `bundle` (this file's bundle) is also the case entry; the script lies beside it. */
export function packLayout(bundle: string): BenchLayout {
  return {
    command: './run.sh',
    child(script, args) {
      if (script !== 'case-process.ts') {
        throw new Error(
          `${script.replace(/\.ts$/, '')} is not in the bench pack (it needs the dataset service and better-sqlite3); ` +
            'run it from a checkout with npm run bench'
        )
      }
      return { file: bundle, args: [CASE_PROCESS_FLAG, ...args], execArgv: ['--expose-gc'] }
    },
    torchScript(script = 'torch_lora_bench.py') {
      return torchScriptOverride(script) ?? join(dirname(bundle), script)
    }
  }
}

let current: BenchLayout = checkoutLayout

export function benchLayout(): BenchLayout {
  return current
}

export function useBenchLayout(layout: BenchLayout): void {
  current = layout
}
