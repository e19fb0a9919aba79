// Imports into a real SQLite file through the datasets service: a folder of mixed files, a broken
// file that must leave nothing behind, a separate validation file, and a 4 MB JSONL read as a stream
// with progress events (its memory is tested in datasets-import-memory.alone.test.ts).
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
  createWriteStream
} from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { defaultTokenizer } from '../../src/main/datasets/default-tokenizer'
import type { Store } from '../../src/main/store/store'
import type { ApiHandlers } from '../../src/shared/contract'
import { ImportInput, PreviewInput, InspectInput, type ImportProgressEvent } from '../../src/shared/datasets'
import { openDatasetService } from '../support/dataset-service'

let root: string
let store: Store
let service: ApiHandlers['datasets']
const events: ImportProgressEvent[] = []

function write(rel: string, data: string | Uint8Array): string {
  const path = join(root, rel)
  const dir = path.slice(0, path.lastIndexOf('/'))
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true })
  writeFileSync(path, data)
  return path
}

const count = (sql: string): number => (store.db.prepare(sql).get() as { n: number }).n

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'lora-ds-import-'))
  const opened = openDatasetService(join(root, 'data'), (_event, data) => {
    events.push(data as ImportProgressEvent)
  })
  store = opened.store
  service = opened.service
})

afterAll(() => {
  store.close()
  rmSync(root, { recursive: true, force: true })
})

describe('dataset import', () => {
  it('imports a folder of JSONL, CSV, JSON and Parquet instruction files in one go', async () => {
    write(
      'mixed/a.jsonl',
      '{"instruction":"Say hi","input":"","output":"Hi!"}\n{"instruction":"Add","input":"1+1","output":"2"}\nnot json\n'
    )
    write('mixed/sub/b.csv', 'instruction,input,output\nTranslate,hello,你好\n')
    write(
      'mixed/c.json',
      JSON.stringify({
        data: [
          { instruction: 'Say hi', input: '', output: 'Hi!' },
          { instruction: 'Q', output: 'A' }
        ]
      })
    )
    const parquet = parquetWriteBuffer({
      columnData: [
        { name: 'instruction', data: ['P1', 'P2'], type: 'STRING' },
        { name: 'output', data: ['O1', 'O2'], type: 'STRING' }
      ]
    })
    write('mixed/d.parquet', new Uint8Array(parquet))
    write('mixed/readme.png', 'not data')

    const inspected = await service.inspect(InspectInput.parse({ paths: [join(root, 'mixed')] }))
    expect(inspected.files.map((f) => f.display)).toEqual([
      'mixed/a.jsonl',
      'mixed/c.json',
      'mixed/d.parquet',
      'mixed/sub/b.csv'
    ])
    expect(inspected.detected.format).toBe('instruction')

    const preview = await service.preview(PreviewInput.parse({ paths: [join(root, 'mixed')], samples: 2 }))
    expect(preview.samples[0].text).toBe('Human: Say hi\n\nAssistant: Hi!<|endoftext|>')
    expect(preview.scope).toEqual({ records: 6, complete: true })

    const d = await service.import(
      ImportInput.parse({
        name: 'mixed',
        paths: [join(root, 'mixed')],
        split: { kind: 'ratio', validationRatio: 0.2, seed: 1 }
      })
    )
    expect([d.recordCount, d.trainCount, d.validationCount]).toEqual([6, 5, 1])
    expect(d.report.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^mixed\/a\.jsonl line 3: invalid JSON/),
      'mixed/c.json item 1: duplicate of an earlier record, removed'
    ])
    expect(d.statistics.records).toBe(6)
    expect(count('select count(*) as n from dataset_records')).toBe(6)
    const found = await service.records({ id: d.id, offset: 0, limit: 10, search: '你好' })
    expect(found.total).toBe(1)
    expect(found.items[0].location).toEqual({ file: 'mixed/sub/b.csv', row: 1 })
    const preview2 = await service.recordPreview({ datasetId: d.id, recordId: found.items[0].id })
    expect(preview2.mask.tokens.filter((t) => t.trained).map((t) => t.id)).toEqual([
      ...(await defaultTokenizer()).encode('你好'),
      50256
    ])
    expect(events.at(-1)?.phase).toBe('done')
  })

  it('reads each .json by its content (array, object, JSON-lines), skips a broken file and saves the rest', async () => {
    write(
      'seed/a-array.json',
      JSON.stringify(
        [{ text: 'Stack overflows smash the return address.' }, { text: '栈溢出会覆盖返回地址。' }],
        null,
        2
      )
    )
    write('seed/b-object.json', JSON.stringify({ data: [{ text: 'SQL injection mixes data and code.' }] }))
    write(
      'seed/c-lines.json',
      '{"text": "跨站脚本攻击在页面中注入脚本。"}\n{"text": "XSS injects script into a page."}\r\n\n{"text": broken}\n'
    )
    write('seed/d-broken.json', '[{"text": "a"},\n{"text": "b"')
    const paths = [join(root, 'seed')]
    const preview = await service.preview(PreviewInput.parse({ paths, samples: 1 }))
    expect([preview.report.filesRead, preview.scope.records]).toEqual([3, 5])

    const before = count('select count(*) as n from datasets')
    await expect(
      service.import(ImportInput.parse({ name: 'seed-strict', paths, strict: true }))
    ).rejects.toThrow(/^Import stopped \(strict mode\)/)
    expect(count('select count(*) as n from datasets')).toBe(before)
    expect(readdirSync(join(root, 'data', 'tmp'))).toEqual([])

    const d = await service.import(ImportInput.parse({ name: 'seed', paths, split: { kind: 'none' } }))
    expect([d.format, d.recordCount]).toEqual(['text', 5])
    expect(d.report.filesRead).toBe(3)
    expect(d.report.problems.map((p) => [p.file, p.line, p.code])).toEqual([
      ['seed/c-lines.json', 4, 'invalid_json'],
      ['seed/d-broken.json', 2, 'invalid_json']
    ])
    const texts = (await service.records({ id: d.id, offset: 0, limit: 10 })).items.map((r) => r.record)
    expect(texts).toEqual([
      { kind: 'text', text: 'Stack overflows smash the return address.' },
      { kind: 'text', text: '栈溢出会覆盖返回地址。' },
      { kind: 'text', text: 'SQL injection mixes data and code.' },
      { kind: 'text', text: '跨站脚本攻击在页面中注入脚本。' },
      { kind: 'text', text: 'XSS injects script into a page.' }
    ])
    expect(events.at(-1)?.phase).toBe('done')
  })

  it('refuses an import with nothing valid, naming the problems', async () => {
    write('empty/x.jsonl', '{"instruction":"q"}\n')
    await expect(
      service.import(
        ImportInput.parse({ name: 'empty', paths: [join(root, 'empty')], format: 'instruction' })
      )
    ).rejects.toThrow(
      "Nothing to import: none of the 1 record(s) read is a valid instruction record (none of the 1 sampled records has instruction/output fields, a messages list or a text field; choose the format and map the fields).\n  empty/x.jsonl line 1: field 'output' is missing"
    )
  })

  it('uses a separate validation file, packs raw text and deletes a dataset with its records', async () => {
    const train = write('text/train.md', 'The quick brown fox jumps over the lazy dog. '.repeat(40))
    const valid = write('text/valid.txt', 'Validation text about foxes.')
    const d = await service.import(
      ImportInput.parse({
        name: 'text',
        paths: [train],
        maxLength: 64,
        split: { kind: 'file', paths: [valid] }
      })
    )
    expect([d.format, d.trainCount, d.validationCount]).toEqual(['text', 1, 1])
    expect(d.statistics.trainSamples).toBe(Math.ceil((400 + 1) / 64))
    expect(d.statistics.validationSamples).toBe(1)
    await service.delete({ id: d.id })
    expect(count(`select count(*) as n from dataset_records where dataset_id = ${d.id}`)).toBe(0)
    await expect(service.get({ id: d.id })).rejects.toThrow(
      `Dataset ${d.id} does not exist; it may have been deleted.`
    )
  })

  it('lists problems in file order, whether found while reading or while tokenizing', async () => {
    const long = JSON.stringify({ instruction: 'Long', input: '', output: 'word '.repeat(60) })
    write(
      'order/a.jsonl',
      [
        long,
        'not json',
        long.replace('Long', 'Long again'),
        '{"instruction":"Short","output":"ok"}',
        '{"instruction": 1}'
      ].join('\n') + '\n'
    )
    const d = await service.import(
      ImportInput.parse({ name: 'order', paths: [join(root, 'order')], maxLength: 32 })
    )
    expect(d.report.problems.map((p) => [p.line, p.code])).toEqual([
      [1, 'truncated'],
      [2, 'invalid_json'],
      [3, 'truncated'],
      [5, 'missing_field']
    ])
  })

  it('streams a 4 MB JSONL file with progress events', async () => {
    const path = join(root, 'big.jsonl')
    const out = createWriteStream(path)
    const paragraph =
      'Check the length before copying into the stack buffer, and prefer bounded functions. '.repeat(3)
    let bytes = 0
    for (let i = 0; bytes < 4 * 1024 * 1024; i++) {
      const line =
        JSON.stringify({
          instruction: `Review function number ${i}`,
          input: '',
          output: `${paragraph}(${i})`
        }) + '\n'
      bytes += Buffer.byteLength(line)
      if (!out.write(line)) await once(out, 'drain')
    }
    out.end()
    await once(out, 'close')

    const d = await service.import(ImportInput.parse({ name: 'big', paths: [path] }))
    expect(d.recordCount).toBe(count(`select count(*) as n from dataset_records where dataset_id = ${d.id}`))
    expect(d.recordCount).toBeGreaterThan(10_000)
    expect(events.filter((e) => e.name === 'big' && e.phase === 'reading').length).toBeGreaterThan(1)
  })
})
