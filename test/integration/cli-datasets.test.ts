// `lora-studio import-dataset` and `lora-studio datasets` as real subprocesses: a JSONL with one bad
// line imports (exit 0) and names the line; a file of only bad lines fails with one line (exit 1) and
// saves nothing; list, show and delete read the same database.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { DatasetDetail, DatasetSummary } from '../../src/shared/datasets'
import { cliProcess } from './cli-harness'

const root = mkdtempSync(join(tmpdir(), 'lora-cli-ds-'))
const dataDir = join(root, 'data')

afterAll(() => rmSync(root, { recursive: true, force: true }))

const cli = (args: string[]) => cliProcess([...args, '--data-dir', dataDir])

function write(name: string, lines: string[]): string {
  const path = join(root, name)
  writeFileSync(path, lines.join('\n') + '\n')
  return path
}

describe('lora-studio import-dataset and datasets', () => {
  it('imports a JSONL with one bad line, listing the problem with its file and line', async () => {
    const path = write('notes.jsonl', [
      '{"instruction":"Say hi","input":"","output":"Hi!"}',
      '{"instruction":"Add", "output":',
      '{"instruction":"Add","input":"1+1","output":"2"}',
      '{"instruction":"Explain CWE-121","input":"","output":"A stack-based buffer overflow."}'
    ])
    const human = await cli([
      'import-dataset',
      path,
      '--name',
      'notes',
      '--split',
      '0.34',
      '--seed',
      '7',
      '--max-length',
      '64'
    ])
    expect(human.code).toBe(0)
    expect(human.stderr).toBe('reading notes.jsonl…\nwriting 3 records…\n')
    const out = human.stdout.split('\n')
    expect(out[0]).toBe(
      'Dataset 1 "notes": instruction, template human-assistant, max length 64; 3 records (2 train, 1 validation)'
    )
    expect(out).toContain(
      'Read 1 file(s), 4 record(s): 3 valid, 1 skipped, 0 duplicate(s), 0 truncated, 0 dropped'
    )
    expect(out).toContainEqual(expect.stringMatching(/^ {2}notes\.jsonl line 2: invalid JSON \(/))
    expect(out).toContainEqual(expect.stringMatching(/^ {2}steps per epoch: 1 at batch 8 × accumulation 1$/))

    const json = await cli(['import-dataset', path, '--name', 'notes-json', '--split', '0', '--json'])
    expect([json.code, json.stderr]).toEqual([0, ''])
    const d = JSON.parse(json.stdout) as DatasetDetail
    expect([d.recordCount, d.trainCount, d.validationCount]).toEqual([3, 3, 0])
    expect(d.report.problems).toEqual([
      expect.objectContaining({ file: 'notes.jsonl', line: 2, code: 'invalid_json', severity: 'error' })
    ])
    expect(d.statistics.records).toBe(3)
    expect(d.settings.split).toEqual({ kind: 'none' })
  })

  it('fails with one line and exit code 1 when no line is valid, saving nothing', async () => {
    const path = write('broken.jsonl', ['not json', '{"instruction": "q"', '[1, 2'])
    const r = await cli(['import-dataset', path, '--format', 'instruction'])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    const lines = r.stderr
      .trimEnd()
      .split('\n')
      .filter((l) => !l.startsWith('reading '))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^lora-studio: Nothing to import: none of the 3 record\(s\) read is a valid instruction record .* broken\.jsonl line 1: invalid JSON/
    )
    const list = await cli(['datasets', 'list', '--json'])
    expect((JSON.parse(list.stdout) as DatasetSummary[]).map((s) => s.name)).toEqual(['notes-json', 'notes'])
    expect(readdirSync(join(dataDir, 'tmp'))).toEqual([])
  })

  it('lists, shows and deletes datasets, and refuses a wrong id with the usage exit code', async () => {
    const list = await cli(['datasets'])
    expect(list.stdout.split('\n')[1]).toMatch(
      /^ +1 +instruction +3 records \(2 train, 1 validation\) +\d+ tokens +notes$/
    )
    const show = await cli(['datasets', 'show', '2'])
    expect(show.stdout.split('\n')[0]).toBe(
      'Dataset 2 "notes-json": instruction, template human-assistant, max length 1024; 3 records (3 train, 0 validation)'
    )
    const deleted = await cli(['datasets', 'delete', '2', '--json'])
    expect([deleted.code, deleted.stdout]).toEqual([0, '{"deleted":true,"id":2}\n'])
    expect((await cli(['datasets'])).stdout.split('\n').filter(Boolean)).toHaveLength(1)
    const wrong = await cli(['datasets', 'delete', 'notes'])
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toMatch(/^lora-studio: datasets delete takes one dataset id \(a number\)/)
  })

  it('imports a folder of array, object and JSON-lines .json files, skipping a broken file and naming it', async () => {
    const dir = join(root, 'seed')
    mkdirSync(dir)
    writeFileSync(
      join(dir, 'cyber_security1.json'),
      JSON.stringify([{ text: 'Buffer overflows.' }, { text: '缓冲区溢出。' }])
    )
    writeFileSync(
      join(dir, 'cyber_security2.json'),
      '{"text": "跨站脚本。"}\n{"text": "Cross-site scripting."}\n'
    )
    writeFileSync(join(dir, 'cyber_security3.json'), JSON.stringify({ rows: [{ text: 'SQL injection.' }] }))
    writeFileSync(join(dir, 'cyber_security4.json'), '[{"text": "a"},\n')
    const r = await cli(['import-dataset', dir, '--name', 'seed', '--split', '0', '--json'])
    expect([r.code, r.stderr]).toEqual([0, ''])
    const d = JSON.parse(r.stdout) as DatasetDetail
    expect([d.format, d.recordCount, d.report.filesRead]).toEqual(['text', 5, 3])
    expect(d.report.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^seed\/cyber_security4\.json line 2: invalid JSON/)
    ])
  })

  it('takes --model as train and chat do: a registered name or a model folder, with their words when none matches', async () => {
    const model = await cli(['models', 'create-demo', '--name', 'tiny-ds', '--json'])
    expect(model.code).toBe(0)
    const { id, path } = JSON.parse(model.stdout) as { id: number; path: string }
    const data = write('hello.jsonl', ['{"instruction":"Say hi","input":"","output":"Hi!"}'])
    const modelOf = async (ref: string) => {
      const r = await cli([
        'import-dataset',
        data,
        '--name',
        `by ${ref}`,
        '--split',
        '0',
        '--model',
        ref,
        '--json'
      ])
      expect([r.code, r.stderr]).toEqual([0, ''])
      return (JSON.parse(r.stdout) as DatasetDetail).settings.modelId
    }
    expect(await modelOf('tiny-ds')).toBe(id)
    expect(await modelOf(path)).toBe(id)
    expect(await modelOf(String(id))).toBe(id)
    const none = await cli(['import-dataset', data, '--model', 'no-such-model'])
    expect([none.code, none.stderr]).toEqual([
      1,
      'lora-studio: --model: "no-such-model" is neither a registered model (tiny-ds) nor a folder\n'
    ])
    const folder = join(root, 'seed')
    const unregistered = await cli(['import-dataset', data, '--model', folder])
    expect([unregistered.code, unregistered.stderr]).toEqual([
      1,
      `lora-studio: --model: ${folder} is not a registered model; import it first (lora-studio import DIR) and give its name\n`
    ])
  })
})
