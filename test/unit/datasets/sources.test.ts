import { afterAll, describe, expect, it } from 'vitest'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { FatalSourceError } from '../../../src/main/datasets/problems'
import { resolveSources } from '../../../src/main/datasets/sources/folder-source'
import { messages, readAll, scratchDir, values } from './helpers'

const tmp = scratchDir('sources')
afterAll(() => tmp.remove())

describe('JSONL', () => {
  it('reads one value per line, reports bad lines by number and skips blank ones', async () => {
    const path = tmp.write('notes.jsonl', '{"a":1}\n\n{"a":2}\r\n{bad\n{"a":3}')
    const items = await readAll(path, 'notes.jsonl')
    expect(values(items)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }])
    expect(
      items.filter((i) => i.type === 'record').map((i) => (i.type === 'record' ? i.location.line : 0))
    ).toEqual([1, 3, 5])
    expect(messages(items)).toHaveLength(1)
    expect(messages(items)[0]).toMatch(/^notes\.jsonl line 4: invalid JSON \(.+\)$/)
  })

  it('decodes invalid UTF-8 with replacement and says how many bytes', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"text":"caf'),
      Buffer.from([0xe9, 0xff]),
      Buffer.from('"}\n{"text":"ok 你好"}\n')
    ])
    const items = await readAll(tmp.write('latin1.jsonl', bytes), 'latin1.jsonl')
    expect(values(items)).toEqual([{ text: 'caf\uFFFD\uFFFD' }, { text: 'ok 你好' }])
    expect(messages(items)).toEqual([
      'latin1.jsonl line 1: 2 byte(s) are not valid UTF-8 and were replaced with "\uFFFD"; re-save the file as UTF-8'
    ])
  })

  it('skips a line over the record limit without buffering it', async () => {
    const path = tmp.write('big.jsonl', `{"a":1}\n{"a":"${'x'.repeat(5000)}"}\n{"a":2}\n`)
    const items = await readAll(path, 'big.jsonl', { maxRecordBytes: 1024, maxWholeFileBytes: 1 << 20 })
    expect(values(items)).toEqual([{ a: 1 }, { a: 2 }])
    expect(messages(items)).toEqual([
      'big.jsonl line 2: record is 4.9 KB, over the 1.0 KB limit for one record; split it or shorten it'
    ])
  })
})

describe('JSON', () => {
  it('reads an array, or the one array an object holds', async () => {
    expect(values(await readAll(tmp.write('a.json', '[{"x":1},{"x":2}]'), 'a.json'))).toEqual([
      { x: 1 },
      { x: 2 }
    ])
    const wrapped = await readAll(tmp.write('b.json', '{"version":2,"data":[{"x":3}]}'), 'b.json')
    expect(values(wrapped)).toEqual([{ x: 3 }])
    expect(wrapped[0].type === 'record' && wrapped[0].location).toEqual({ file: 'b.json', item: 1 })
  })

  it('reads JSON-lines saved as .json, line by line, reporting a bad line by number', async () => {
    const path = tmp.write(
      'lines.json',
      '{"text":"栈溢出"}\r\n\n{"text":"stack overflow"}\n{"text": oops}\n["a"]\n'
    )
    const items = await readAll(path, 'lines.json')
    expect(values(items)).toEqual([{ text: '栈溢出' }, { text: 'stack overflow' }, ['a']])
    expect(
      items.filter((i) => i.type === 'record').map((i) => (i.type === 'record' ? i.location.line : 0))
    ).toEqual([1, 3, 5])
    expect(messages(items)).toEqual([expect.stringMatching(/^lines\.json line 4: invalid JSON \(.+\)$/)])
  })

  it('names the line a broken file breaks on, and refuses several arrays', async () => {
    const broken = tmp.write('broken.json', '[\n  {"x": 1},\n  {"x": 2,}\n]')
    await expect(readAll(broken, 'broken.json')).rejects.toThrow(/^broken\.json line 3: invalid JSON \(.+\)$/)
    const two = tmp.write('two.json', '{"train":[],"test":[]}')
    await expect(readAll(two, 'two.json')).rejects.toBeInstanceOf(FatalSourceError)
    await expect(readAll(two, 'two.json')).rejects.toThrow(
      `two.json: holds several arrays ('train', 'test'); keep the one with the records, or convert the file to JSONL`
    )
  })

  it('reads one record object as one record', async () => {
    const one = await readAll(
      tmp.write('one.json', '{"instruction":"Explain CWE-121.","output":"A stack overflow."}'),
      'one.json'
    )
    expect(values(one)).toEqual([{ instruction: 'Explain CWE-121.', output: 'A stack overflow.' }])
  })

  it('refuses an object that is not a dataset, saying what it holds and which layouts are read', async () => {
    const layouts =
      'Expected an array of records ([{"text": …}, …]), JSON-lines (one record a line) or an object holding ' +
      'one array of records ({"data": [{"text": …}, …]}).'
    const keyed = tmp.write(
      'posts.json',
      '{"1": {"title": "Heap overflow", "body": "…"}, "2": {"title": "UAF", "body": "…"}}'
    )
    await expect(readAll(keyed, 'posts.json')).rejects.toBeInstanceOf(FatalSourceError)
    await expect(readAll(keyed, 'posts.json')).rejects.toThrow(
      `posts.json: holds one object of 2 objects keyed '1', '2', not a list of records; put them in an array. ${layouts}`
    )
    const config = tmp.write(
      'config.json',
      '{"model_type": "gpt2", "n_layer": 2, "n_embd": 64, "activation": "gelu_new"}'
    )
    await expect(readAll(config, 'config.json')).rejects.toThrow(
      `config.json: holds one object with the fields 'model_type', 'n_layer', 'n_embd', 'activation' and none a record ` +
        `has (text, instruction, output, messages…); it looks like settings, not data. ${layouts}`
    )
  })

  it('refuses a file over the whole-file limit and says to use JSONL', async () => {
    const path = tmp.write('huge.json', `[${'1,'.repeat(2000)}1]`)
    await expect(
      readAll(path, 'huge.json', { maxRecordBytes: 1 << 20, maxWholeFileBytes: 1024 })
    ).rejects.toThrow(
      'huge.json: file is 3.9 KB, over the 1.0 KB limit for this kind of file; convert it to JSON Lines (.jsonl, one record per line), which is read as a stream'
    )
  })
})

describe('CSV and TSV', () => {
  it('keys rows by the header, handles quotes and newlines in cells, and reports bad rows', async () => {
    const csv = 'instruction,input,output\n"Explain ""XSS""",,"line 1\nline 2"\nonly,two\nA,B,C\n'
    const items = await readAll(tmp.write('d.csv', csv), 'd.csv')
    expect(values(items)).toEqual([
      { instruction: 'Explain "XSS"', input: '', output: 'line 1\nline 2' },
      { instruction: 'A', input: 'B', output: 'C' }
    ])
    expect(messages(items)).toEqual([
      'd.csv row 2: has 2 cells but the header has 3 (line 4); check quoting and delimiters'
    ])
  })

  it('reads TSV with tabs and no quoting', async () => {
    const items = await readAll(tmp.write('d.tsv', 'prompt\tresponse\nsay "hi"\thello\n'), 'd.tsv')
    expect(values(items)).toEqual([{ prompt: 'say "hi"', response: 'hello' }])
  })
})

describe('text, Parquet, folders', () => {
  it('reads a .md file as one document', async () => {
    const items = await readAll(tmp.write('post.md', '# 标题\n\nBody.\n'), 'post.md')
    expect(values(items)).toEqual(['# 标题\n\nBody.\n'])
  })

  it('reads Parquet rows as records', async () => {
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'instruction', data: ['a', 'b', 'c'], type: 'STRING' },
        { name: 'output', data: ['x', 'y', 'z'], type: 'STRING' }
      ]
    })
    const items = await readAll(tmp.write('d.parquet', new Uint8Array(buffer)), 'd.parquet')
    expect(values(items)).toEqual([
      { instruction: 'a', output: 'x' },
      { instruction: 'b', output: 'y' },
      { instruction: 'c', output: 'z' }
    ])
    expect(items[2].type === 'record' && items[2].location).toEqual({ file: 'd.parquet', row: 3 })
  })

  it('walks folders recursively in name order, skipping hidden and unsupported files', async () => {
    const root = scratchDir('folder')
    root.write('notes/b.txt', 'b')
    root.write('notes/a/deep.jsonl', '{}')
    root.write('notes/.hidden.txt', 'h')
    root.write('notes/photo.png', 'p')
    const { files, skipped } = await resolveSources([`${root.dir}/notes`])
    expect(files.map((f) => [f.display, f.kind])).toEqual([
      ['notes/a/deep.jsonl', 'jsonl'],
      ['notes/b.txt', 'text']
    ])
    expect(skipped).toEqual({ '.png': 1 })
    root.remove()
  })

  it('says clearly when a path does not exist or is not a dataset file', async () => {
    await expect(resolveSources(['/nonexistent/x.jsonl'])).rejects.toThrow(
      '"/nonexistent/x.jsonl" does not exist; check the path or choose the file again.'
    )
    const png = tmp.write('x.png', 'p')
    await expect(resolveSources([png])).rejects.toThrow(
      '"x.png" is not a supported file; choose .json, .jsonl, .ndjson, .csv, .tsv, .txt, .md, .markdown, .parquet files or a folder of them.'
    )
  })
})
