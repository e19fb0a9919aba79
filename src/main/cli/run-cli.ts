// Parses `lora-studio [--data-dir DIR] [--json] <verb> [options]`, runs the verb over the same
// services as the app, and turns any failure into one line `lora-studio: <reason>` and an exit code.
import { parseArgs } from 'node:util'
import { ApiCallError, ServiceError } from '../../shared/errors'
import { openAppContext, type AppContext } from '../app-context'
import { appVersion } from '../app-version'
import type { CliIo, CliVerb, VerbOptions } from './cli-verb'
import { verbs as allVerbs } from './verbs'

const globalOptions = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  'start-fresh': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' }
} satisfies VerbOptions

/** Exit codes: 0 done, 1 the verb failed, 2 the command line was wrong. */
export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const

class UsageError extends Error {}

function generalHelp(verbs: readonly CliVerb[]): string {
  const width = Math.max(...verbs.map((v) => v.name.length)) + 2
  return [
    'Usage: lora-studio [--data-dir DIR] [--json] <command> [options]',
    '',
    'Commands:',
    ...verbs.map((v) => `  ${v.name.padEnd(width)}${v.summary}`),
    '',
    'Options for every command:',
    '  --data-dir DIR  the data folder (default: LORA_STUDIO_HOME, else the platform default)',
    '  --json          machine-readable output',
    '  --start-fresh   create a new empty database although runs/ or models/ hold data (studio.db was lost)',
    '  -h, --help      help for a command: lora-studio <command> --help',
    '  --version       print the version'
  ].join('\n')
}

/** The verb is the first argument that is neither an option nor the value of --data-dir. */
function findVerb(args: string[]): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--') return i + 1 < args.length ? i + 1 : -1
    if (arg === '--data-dir') i++
    else if (!arg.startsWith('-')) return i
  }
  return -1
}

function messageOf(err: unknown): string {
  if (err instanceof ServiceError || err instanceof ApiCallError || err instanceof Error) return err.message
  return String(err)
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

export async function runCli(
  args: string[],
  io: CliIo,
  verbs: readonly CliVerb[] = allVerbs
): Promise<number> {
  let context: AppContext | null = null
  try {
    const at = findVerb(args)
    if (at < 0) {
      const { values } = parseArgs({ args, options: globalOptions, strict: true, allowPositionals: false })
      if (values.version) io.out(appVersion)
      else if (values.help) io.out(generalHelp(verbs))
      else throw new UsageError('no command given; run lora-studio --help for the list')
      return exitCodes.ok
    }
    const name = args[at]
    const verb = verbs.find((v) => v.name === name)
    if (!verb) {
      throw new UsageError(`unknown command "${name}"; commands: ${verbs.map((v) => v.name).join(', ')}`)
    }
    let parsed: ReturnType<typeof parseArgs<{ options: VerbOptions; allowPositionals: true; strict: true }>>
    try {
      parsed = parseArgs({
        args: [...args.slice(0, at), ...args.slice(at + 1)],
        options: { ...globalOptions, ...verb.options },
        strict: true,
        allowPositionals: true
      })
    } catch (err) {
      // Node's parseArgs messages go on with advice about '--'; the first sentence is the point.
      const first = messageOf(err).split(/\.\s/)[0].replace(/\.$/, '')
      throw new UsageError(`${first} (usage: ${verb.usage})`)
    }
    const { values, positionals } = parsed
    if (values.help) {
      io.out(`Usage: ${verb.usage}\n\n${verb.summary}`)
      return exitCodes.ok
    }
    if (positionals.length && !verb.positionals) {
      throw new UsageError(
        `${verb.name} takes no arguments, got "${positionals.join(' ')}" (usage: ${verb.usage})`
      )
    }
    const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined
    const code = await verb.run({
      values,
      positionals,
      json: values.json === true,
      dataDir,
      io,
      async openContext(overrides = {}) {
        if (context) return context
        const startFresh = values['start-fresh'] === true
        context = await openAppContext({ dataDir, mode: 'cli', startFresh, ...overrides })
        return context
      }
    })
    return code ?? exitCodes.ok
  } catch (err) {
    io.err(`lora-studio: ${oneLine(messageOf(err))}`)
    return err instanceof UsageError ? exitCodes.usage : exitCodes.failed
  } finally {
    if (context) await (context as AppContext).close()
  }
}
