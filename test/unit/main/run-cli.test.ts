// The CLI's argument handling with stand-in verbs (no engine): verb lookup around global options,
// per-verb options, help, and one-line failures with exit codes 1 (failed) and 2 (usage).
import { describe, expect, it } from 'vitest'
import type { CliVerb, VerbRun } from '../../../src/main/cli/cli-verb'
import { runCli } from '../../../src/main/cli/run-cli'
import { ServiceError } from '../../../src/shared/errors'

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err }
}

let seen: VerbRun | null = null
const echo: CliVerb = {
  name: 'echo',
  summary: 'Echo the options it got',
  usage: 'lora-studio echo [--times N] WORDS…',
  options: { times: { type: 'string' } },
  positionals: true,
  async run(run) {
    seen = run
    run.io.out(run.positionals.join(' '))
  }
}
const fail: CliVerb = {
  name: 'fail',
  summary: 'Fails like a service does',
  usage: 'lora-studio fail',
  options: {},
  async run() {
    throw new ServiceError('not_found', 'Run 7 does not exist.\nList runs with lora-studio runs')
  }
}
const verbs = [echo, fail]

describe('runCli', () => {
  it('finds the verb after global options and passes its options, positionals and --json', async () => {
    const { io, out, err } = capture()
    const code = await runCli(['--data-dir', '/tmp/x', 'echo', '--times', '3', 'a', 'b', '--json'], io, verbs)
    expect(code).toBe(0)
    expect(err).toEqual([])
    expect(out).toEqual(['a b'])
    expect(seen?.values.times).toBe('3')
    expect(seen?.json).toBe(true)
    expect(seen?.dataDir).toBe('/tmp/x')
  })

  it('prints one line for a failing verb and exits 1', async () => {
    const { io, out, err } = capture()
    expect(await runCli(['fail'], io, verbs)).toBe(1)
    expect(out).toEqual([])
    expect(err).toEqual(['lora-studio: Run 7 does not exist. List runs with lora-studio runs'])
  })

  it('exits 2 for an unknown command, an unknown option, stray arguments or no command', async () => {
    const cases: [string[], string][] = [
      [['frob'], 'lora-studio: unknown command "frob"; commands: echo, fail'],
      [
        ['echo', '--loud'],
        "lora-studio: Unknown option '--loud' (usage: lora-studio echo [--times N] WORDS…)"
      ],
      [['fail', 'extra'], 'lora-studio: fail takes no arguments, got "extra" (usage: lora-studio fail)'],
      [[], 'lora-studio: no command given; run lora-studio --help for the list']
    ]
    for (const [args, message] of cases) {
      const { io, err } = capture()
      expect(await runCli(args, io, verbs), args.join(' ')).toBe(2)
      expect(err).toEqual([message])
    }
  })

  it('lists the verbs with --help and shows a verb’s usage with <verb> --help', async () => {
    const general = capture()
    expect(await runCli(['--help'], general.io, verbs)).toBe(0)
    expect(general.out[0]).toContain('  echo  Echo the options it got\n  fail  Fails like a service does')
    const verb = capture()
    expect(await runCli(['echo', '--help'], verb.io, verbs)).toBe(0)
    expect(verb.out).toEqual(['Usage: lora-studio echo [--times N] WORDS…\n\nEcho the options it got'])
  })
})
