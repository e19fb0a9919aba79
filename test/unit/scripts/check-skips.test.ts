// scripts/check-skips.mjs, the guard that makes `npm run test:unit` fail on a test that did not run:
// fed Vitest JSON reports, it refuses any skip or todo not in test/skip-allowlist.json.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../../..')
const work = mkdtempSync(join(tmpdir(), 'check-skips-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

interface Allowed {
  file: string
  test: string
  needs: string
  reason: string
}
const allowList = JSON.parse(readFileSync(join(root, 'test/skip-allowlist.json'), 'utf8')) as {
  allowed: Allowed[]
}
const torchTest = allowList.allowed.find((a) => a.file === 'test/unit/training/adapter-roundtrip.test.ts')!

function check(tests: Array<{ file: string; fullName: string; status: string }>): {
  status: number | null
  out: string
} {
  const byFile = new Map<string, Array<{ fullName: string; status: string }>>()
  for (const t of tests) byFile.set(t.file, [...(byFile.get(t.file) ?? []), t])
  const report = {
    testResults: [...byFile].map(([file, results]) => ({ name: join(root, file), assertionResults: results }))
  }
  const path = join(work, `report-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(path, JSON.stringify(report))
  const run = spawnSync(process.execPath, [join(root, 'scripts/check-skips.mjs'), path], { encoding: 'utf8' })
  return { status: run.status, out: `${run.stdout}${run.stderr}` }
}

describe('check-skips', () => {
  it('passes a report where every test passed or failed', () => {
    const r = check([
      { file: 'test/unit/a.test.ts', fullName: 'a works', status: 'passed' },
      { file: 'test/unit/a.test.ts', fullName: 'a breaks', status: 'failed' }
    ])
    expect(r.status).toBe(0)
    expect(r.out).toContain('2 of 2 test(s) ran; 0 allowed skip(s)')
  })

  it('fails on a skipped or todo test that is not allowed, naming it', () => {
    const r = check([
      {
        file: 'test/unit/engine/gpt2-parity.test.ts',
        fullName: 'GPT-2 parity gives logits',
        status: 'skipped'
      },
      { file: 'test/unit/b.test.ts', fullName: 'b later', status: 'todo' },
      { file: 'test/unit/b.test.ts', fullName: 'b now', status: 'passed' }
    ])
    expect(r.status).toBe(1)
    expect(r.out).toContain('2 of 3 test(s) did not run')
    expect(r.out).toContain('test/unit/engine/gpt2-parity.test.ts › GPT-2 parity gives logits [skipped]')
    expect(r.out).toContain('test/unit/b.test.ts › b later [todo]')
  })

  it('accepts the allow-listed torch test, and only in its own file', () => {
    const ok = check([{ file: torchTest.file, fullName: torchTest.test, status: 'skipped' }])
    expect(ok.status).toBe(0)
    expect(ok.out).toContain(
      `allowed skip ${torchTest.file} › ${torchTest.test} [skipped]: needs ${torchTest.needs}`
    )
    const elsewhere = check([
      { file: 'test/unit/other.test.ts', fullName: torchTest.test, status: 'skipped' }
    ])
    expect(elsewhere.status).toBe(1)
  })

  it('fails on a report without tests', () => {
    const r = check([])
    expect(r.status).toBe(1)
    expect(r.out).toContain('hold no tests at all')
  })

  it('allows only tests of files that exist, each with what it needs and why', () => {
    for (const entry of allowList.allowed) {
      expect(existsSync(join(root, entry.file)), entry.file).toBe(true)
      expect(readFileSync(join(root, entry.file), 'utf8')).toContain('skipIf')
      expect(entry.needs.length).toBeGreaterThan(3)
      expect(entry.reason.length).toBeGreaterThan(10)
    }
  })
})
