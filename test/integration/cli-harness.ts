// How the CLI integration tests run lora-studio: as its own process through bin/lora-studio.mjs (the way
// a script would), or in this process through runCli with its output captured. Either way the exit code
// comes back as a value, never as a thrown error, so a test can assert on a failure's words. Also the
// short training runs those tests start.
import { execFile, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { Rng } from '../../src/engine/generation/rng'
import { runCli } from '../../src/main/cli/run-cli'

export const repoRoot = resolve(import.meta.dirname, '../..')
export const cliBin = join(repoRoot, 'bin/lora-studio.mjs')

const exec = promisify(execFile)

export interface CliProcessResult {
  code: number
  stdout: string
  stderr: string
}

/** `node bin/lora-studio.mjs ...args` from the repository root; env left out inherits this process's. */
export async function cliProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeout?: number } = {}
): Promise<CliProcessResult> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [cliBin, ...args], { cwd: repoRoot, ...options })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

/** `cliProcess` on `dataDir` that throws with the command's stderr unless it exits 0; its stdout. */
export function cliOrThrow(dataDir: string, env: NodeJS.ProcessEnv): (args: string[]) => Promise<string> {
  return async (args) => {
    const result = await cliProcess(['--data-dir', dataDir, ...args], { env })
    if (result.code !== 0)
      throw new Error(`lora-studio ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
    return result.stdout
  }
}

/** The last line of a command's output, parsed (the summary after `train --json`'s step lines). */
export const lastJson = (text: string) =>
  JSON.parse(text.trim().split('\n').at(-1)!) as Record<string, unknown>

/**
 * `lora-studio ...args` (a `train --json` or `resume --json`) in its own process group, killed with SIGKILL
 * together with its engine, as a crash would, once it printed step `step`; its stdout until then.
 */
export async function killedAtStep(args: string[], env: NodeJS.ProcessEnv, step: number): Promise<string> {
  const child = spawn(process.execPath, [cliBin, ...args], { cwd: repoRoot, env, detached: true })
  let stdout = ''
  await new Promise<void>((resolveStep, reject) => {
    child.on('exit', () => reject(new Error(`the run ended before step ${step}: ${stdout}`)))
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stdout.includes(`"step":${step},`)) resolveStep()
    })
  })
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)))
  process.kill(-child.pid!, 'SIGKILL')
  const signal = await exited
  if (signal !== 'SIGKILL') throw new Error(`lora-studio ${args.join(' ')} ended by ${signal}, not SIGKILL`)
  return stdout
}

export interface CliInProcessResult {
  code: number
  out: string
  err: string
  /** Each line written to stderr, in order. */
  errLines: string[]
}

/** runCli on `dataDir` in this process, stdout and stderr captured. */
export async function cliInProcess(dataDir: string, args: string[]): Promise<CliInProcessResult> {
  const out: string[] = []
  const errLines: string[] = []
  const code = await runCli(['--data-dir', dataDir, ...args], {
    out: (t) => out.push(t),
    err: (t) => errLines.push(t)
  })
  return { code, out: out.join('\n'), err: errLines.join('\n'), errLines }
}

/** Batch, LoRA and checkpoint flags for a short `train` that checkpoints every second step. */
export const smallRunFlags = ['--batch-size', '2', '--r', '4', '--alpha', '8', '--save-every', '2']

/** Writes four tokenized records of 12 random ids below 999 to `file`, then trains `model` two steps on it. */
export async function trainTwoSteps(
  cli: (args: string[]) => Promise<CliProcessResult>,
  model: string,
  file: string
): Promise<CliProcessResult> {
  const rng = new Rng(5)
  const lines = Array.from({ length: 4 }, () =>
    JSON.stringify({ input_ids: Array.from({ length: 12 }, () => rng.nextInt(999)) })
  )
  writeFileSync(file, lines.join('\n') + '\n')
  return cli(['train', '--model', model, '--data', file, '--max-length', '16', '--max-steps', '2'])
}
