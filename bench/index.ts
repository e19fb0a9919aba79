// `npm run bench`: runs the named speed/memory cases, each in a fresh child process so peak RSS is per
// case, then prints one table (or JSON) with tokens/s, step time, memory, FLOPs and efficiency.
import { fork } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { benchLayout } from './bench-layout'
import type { CaseMessage } from './case-process'
import type { BenchReport } from './case-result'
import { BENCH_CASES, DEFAULT_CASES, DEFAULT_IMPORT_MB, findCase, IMPORT_CASE, QUICK_CASES } from './cases'
import type { ImportCaseMessage } from './import-case'
import { formatReport } from './report'
import type { CaseRequest } from './run-case'
import { backendNames, isBackendName } from '../src/engine/backend'
import type { LossOptions } from '../src/engine/model/causal-lm-loss'
import type { TorchRun } from './case-result'
import {
  findTorchPython,
  runTorchOnce,
  torchReference,
  torchScriptOf,
  torchUnavailable
} from './torch-reference'

interface Options {
  cases: string[]
  profile: boolean
  steps?: number
  json: boolean
  backend?: string
  torch: boolean
  /** Where PyTorch's reference step runs: cpu, or cuda on an NVIDIA GPU. */
  torchDevice: string
  loss: LossOptions
  recomputeBlocks: boolean
  /** Run every training case twice: as the flags say, then with blocks and logits recomputed. */
  compareRecompute: boolean
  importMb: number
  /** Data-parallel workers; undefined: one per core on a CPU backend, one on a GPU backend. */
  workers?: number
  singleWorker: boolean
}

/** The usage text, with the command that runs the bench here (npm run bench, or the pack's run.sh). */
const usage =
  () => `usage: ${benchLayout().command} [--case NAME]... [--quick] [--profile] [--steps N] [--json] [--backend ${backendNames.join('|')}]
       [--workers N] [--no-single-worker] [--loss-chunk TOKENS] [--[no-]loss-recompute] [--recompute-blocks] [--compare-recompute]
       [--no-torch] [--torch-device cpu|cuda] [--import-mb N]
cases: ${BENCH_CASES.map((c) => c.name).join(', ')}, ${IMPORT_CASE} (only when named; --import-mb sets its size)
default: ${DEFAULT_CASES.join(', ')}; --quick runs ${QUICK_CASES.join(', ')}
--backend: the backend of every case (default: the engine's own choice, or LORA_STUDIO_BACKEND)
--torch-device: where PyTorch runs before and after each case (default cpu; cuda on an NVIDIA GPU): training cases
           time tools/pytorch/torch_lora_bench.py's step, generate cases torch_generate_bench.py's greedy decoding
--workers: data-parallel workers for training cases (default: one per core, here ${availableParallelism()}; one on a GPU backend); each case
           also times one worker in the same process and reports the speed-up (--no-single-worker skips that)
--loss-recompute / --recompute-blocks: recompute each logits chunk / each transformer block in the backward pass
           (gradient checkpointing = both); --compare-recompute runs each training case without, then with both.
           Without either loss flag the loss recomputes only when saved probabilities would pass 128 MiB`

function parseArgs(argv: string[]): Options {
  const o: Options = {
    cases: [],
    profile: false,
    json: false,
    torch: true,
    torchDevice: 'cpu',
    loss: {},
    recomputeBlocks: false,
    compareRecompute: false,
    importMb: DEFAULT_IMPORT_MB,
    singleWorker: true
  }
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1]
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value\n${usage()}`)
    return v
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    switch (arg) {
      case '--case': {
        const name = value(i++, arg)
        o.cases.push(name === IMPORT_CASE ? name : findCase(name).name)
        break
      }
      case '--import-mb': {
        const n = Number(value(i++, arg))
        if (!Number.isFinite(n) || n <= 0) throw new Error(`--import-mb must be a number > 0; got ${argv[i]}`)
        o.importMb = n
        break
      }
      case '--quick':
        o.cases.push(...QUICK_CASES)
        break
      case '--profile':
        o.profile = true
        break
      case '--steps': {
        const n = Number(value(i++, arg))
        if (!Number.isInteger(n) || n < 1)
          throw new Error(`--steps must be a whole number ≥ 1; got ${argv[i]}`)
        o.steps = n
        break
      }
      case '--workers': {
        const n = Number(value(i++, arg))
        if (!Number.isInteger(n) || n < 1 || n > 64)
          throw new Error(`--workers must be a whole number from 1 to 64; got ${argv[i]}`)
        o.workers = n
        break
      }
      case '--json':
        o.json = true
        break
      case '--backend': {
        const name = value(i++, arg)
        if (!isBackendName(name))
          throw new Error(`--backend ${name} is not a backend; use one of ${backendNames.join(', ')}`)
        o.backend = name
        break
      }
      case '--loss-chunk': {
        const n = Number(value(i++, arg))
        if (!Number.isInteger(n) || n < 1)
          throw new Error(`--loss-chunk must be a whole number ≥ 1; got ${argv[i]}`)
        o.loss.chunkTokens = n
        break
      }
      case '--loss-recompute':
        o.loss.recompute = true
        break
      case '--no-single-worker':
        o.singleWorker = false
        break
      case '--no-loss-recompute':
        o.loss.recompute = false
        break
      case '--recompute-blocks':
        o.recomputeBlocks = true
        break
      case '--compare-recompute':
        o.compareRecompute = true
        break
      case '--no-torch':
        o.torch = false
        break
      case '--torch-device':
        o.torchDevice = value(i++, arg)
        break
      case '--help':
      case '-h':
        process.stdout.write(`${usage()}\n`)
        process.exit(0)
        break
      default:
        throw new Error(`unknown argument "${arg}"\n${usage()}`)
    }
  }
  if (o.cases.length === 0) o.cases = [...DEFAULT_CASES]
  return o
}

/** One case in a fresh Node process (`script` with `args`); its progress lines go to our stderr. */
function runInChild<M extends CaseMessage | ImportCaseMessage>(
  script: string,
  args: string[]
): Promise<Extract<M, { ok: true }>['result']> {
  return new Promise((resolvePromise, reject) => {
    const launch = benchLayout().child(script, args)
    const child = fork(launch.file, launch.args, {
      execArgv: launch.execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced'
    })
    child.stdout?.pipe(process.stderr)
    child.stderr?.pipe(process.stderr)
    let message: M | null = null
    child.on('message', (m) => (message = m as M))
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      const m = message as M | null
      if (m?.ok) resolvePromise(m.result)
      else if (m) reject(new Error(m.error))
      else
        reject(
          new Error(
            `the case process exited with ${signal ?? `code ${code}`} before reporting (out of memory?)`
          )
        )
    })
  })
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2))
  const report: BenchReport = { results: [], failures: [], torch: [], imports: [] }
  const python = options.torch ? findTorchPython() : null
  for (const name of options.cases) {
    process.stderr.write(`bench: ${name}\n`)
    if (name === IMPORT_CASE) {
      try {
        report.imports.push(await runInChild<ImportCaseMessage>('import-case.ts', [String(options.importMb)]))
      } catch (err) {
        report.failures.push({ case: name, error: err instanceof Error ? err.message : String(err) })
      }
      continue
    }
    const request: CaseRequest = {
      case: name,
      profile: options.profile,
      loss: options.loss,
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      singleWorker: options.singleWorker,
      recomputeBlocks: options.recomputeBlocks
    }
    if (options.steps !== undefined) request.steps = options.steps
    if (options.backend !== undefined) request.backend = options.backend
    const c = findCase(name)
    const requests: CaseRequest[] = [request]
    if (options.compareRecompute && c.kind === 'train') {
      requests.push({ ...request, loss: { ...options.loss, recompute: true }, recomputeBlocks: true })
    }
    // PyTorch right before and right after the case: the host's speed drifts, so the ratio uses the fastest steps.
    const torchWhy = torchUnavailable(python, torchScriptOf(c))
    const withTorch = options.torch && torchWhy === null && python !== null
    const torchRuns: (TorchRun | string)[] = []
    const runTorch = (when: TorchRun['when']) => {
      if (!withTorch || python === null) return
      process.stderr.write(`bench: PyTorch reference for ${name} (${when})\n`)
      torchRuns.push(runTorchOnce(c, options.steps, options.torchDevice, python, when))
    }
    runTorch('before')
    let failed = false
    for (const r of requests) {
      try {
        report.results.push(await runInChild<CaseMessage>('case-process.ts', [JSON.stringify(r)]))
      } catch (err) {
        report.failures.push({ case: name, error: err instanceof Error ? err.message : String(err) })
        failed = true
      }
    }
    if (failed) continue
    runTorch('after')
    if (options.torch) {
      report.torch.push(
        withTorch
          ? torchReference(c, torchRuns)
          : { case: name, runs: [], fastestTokensPerS: null, skipped: torchWhy ?? 'PyTorch did not run' }
      )
    }
  }
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`)
  if (report.failures.length > 0) process.exitCode = 1
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 2
})
