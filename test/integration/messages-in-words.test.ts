// The issue's three messages, asked through the real API (and the CLI): a user reads words that
// name the field by its label and what failed in their terms, never "Invalid input for
// datasets.import", "dryRun failed in the engine" or zod's "Too small: expected number to be >=0";
// the field's path and the rule it broke stay in the error for logs and tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openAppContext, type AppContext } from '../../src/main/app-context'
import { createNodeEngineSpawner } from '../../src/main/engine-host/node-engine-spawner'
import { runCli } from '../../src/main/cli/run-cli'
import { requireFixture, tinyModelDir } from '../unit/engine/fixtures-dir'

const work = mkdtempSync(join(tmpdir(), 'messages-in-words-'))
requireFixture(tinyModelDir)
let ctx: AppContext

const engineSpawner = createNodeEngineSpawner({ env: { LORA_STUDIO_BACKEND: 'wasm' } })
beforeAll(
  async () => void (ctx = await openAppContext({ dataDir: join(work, 'data'), mode: 'cli', engineSpawner }))
)
afterAll(() => ctx?.close().finally(() => rmSync(work, { recursive: true, force: true })))

/** A dry run (runs.estimate with measure) on the tiny model with these data fields. */
const dryRun = (data: object) =>
  ctx.router.call('runs.estimate', {
    measure: true,
    config: { baseModel: join(tinyModelDir, 'model'), maxLength: 24, batchSize: 2, maxSteps: 2, ...data }
  })

describe('messages in the user’s words', () => {
  it('datasets.import with a blank name: the sentence, no method name', async () => {
    writeFileSync(join(work, 'notes.txt'), 'A buffer overflow writes past the end of a buffer.\n')
    const result = await ctx.router.call('datasets.import', { paths: [join(work, 'notes.txt')], name: '  ' })
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'Give the dataset a name',
        issues: [{ path: 'name', message: 'Give the dataset a name', rule: { code: 'required' } }]
      }
    })
  })

  it('chat options out of range: the field’s label and its bound', async () => {
    const result = await ctx.router.call('chat.send', {
      chatId: 1,
      content: 'What is a race condition?',
      options: { temperature: -1, topK: 2.5 }
    })
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'Temperature must be 0 or more; Top-k must be a whole number',
        issues: [
          {
            path: 'options.temperature',
            message: 'Temperature must be 0 or more',
            rule: { code: 'atLeast', min: 0 }
          },
          { path: 'options.topK', message: 'Top-k must be a whole number', rule: { code: 'integer' } }
        ]
      }
    })
  })

  it('a run config missing its model and data names both in words', async () => {
    const result = await ctx.router.call('runs.estimate', { config: {} })
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'Base model is required; Dataset is required'
      }
    })
  })

  it('a dry run that fails says what failed, not the job or the engine', async () => {
    const data = join(work, 'broken.jsonl')
    writeFileSync(data, '{"input_ids": [1, 2, 99999999]}\n')
    const result = await dryRun({ data: { kind: 'file', path: data } })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('engine_error')
    // It names the user's file, not the copy in the dry run's scratch folder (deleted, never shown).
    expect(result.error.message).toBe(
      `The dry run (two steps on your data) failed: ${data} line 1: input_ids[2] = 99999999 is not a token id of this model (0…999)`
    )
    expect(result.error.message).not.toMatch(/dryRun|engine/)
  })

  it('a dry run whose validation file is broken names that file', async () => {
    const train = join(work, 'train-ok.jsonl')
    writeFileSync(train, '{"input_ids": [1, 2, 3, 4]}\n{"input_ids": [5, 6, 7]}\n')
    const validation = join(work, 'validation-broken.jsonl')
    writeFileSync(validation, '{"input_ids": [1, 2], "labels": [1]}\n')
    const result = await dryRun({
      data: { kind: 'file', path: train },
      validation: { kind: 'file', path: validation }
    })
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'engine_error',
        message: `The dry run (two steps on your data) failed: ${validation} line 1: field "labels" must be a list as long as input_ids (2)`
      }
    })
  })

  it('the CLI says the same in one line, naming the flag', async () => {
    const err: string[] = []
    const io = { out: () => undefined, err: (text: string) => err.push(text) }
    const code = await runCli(
      ['--data-dir', join(work, 'data'), 'import-dataset', join(work, 'notes.txt'), '--max-length', '4'],
      io
    )
    expect(code).toBe(1)
    expect(err).toEqual(['lora-studio: --max-length must be 8 or more'])
  })
})
