// The CLI's words: `generate --help` and `chat --help` say "Usage:" once, sizes are binary units named
// as the UI names them (MiB), and a dry run's estimate reads "1 step ≈ < 1 s", not "1 steps ≈ 0 s".
import { describe, expect, it } from 'vitest'
import { formatBytes, formatDuration, plural } from '../../../src/main/cli/human-format'
import { runCli } from '../../../src/main/cli/run-cli'
import { chatVerb } from '../../../src/main/cli/verbs/chat-verb'
import { generateVerb } from '../../../src/main/cli/verbs/generate-verb'

function capture() {
  const out: string[] = []
  return { out, io: { out: (line: string) => void out.push(line), err: () => undefined } }
}

describe('CLI text', () => {
  it.each([generateVerb, chatVerb])('$name --help prints "Usage:" once', async (verb) => {
    const { out, io } = capture()
    expect(await runCli([verb.name, '--help'], io, [verb])).toBe(0)
    expect(out.join('\n')).toMatch(new RegExp(`^Usage: lora-studio ${verb.name} --model`))
    expect(out.join('\n')).not.toContain('Usage: Usage:')
  })

  it('names binary sizes KiB, MiB, GiB as the UI does', () => {
    expect([
      formatBytes(512),
      formatBytes(1536),
      formatBytes(14.2 * 2 ** 20),
      formatBytes(3 * 2 ** 30)
    ]).toEqual(['512 B', '1.5 KiB', '14 MiB', '3.0 GiB'])
  })

  it('counts steps in the singular and says a sub-second estimate as such', () => {
    expect([plural(1, 'step'), plural(0, 'step'), plural(12, 'step')]).toEqual([
      '1 step',
      '0 steps',
      '12 steps'
    ])
    expect([0.2, 42.4, 185, 7440].map(formatDuration)).toEqual(['< 1 s', '42 s', '3 min 5 s', '2 h 4 min'])
  })
})
