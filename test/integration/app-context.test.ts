// The app context over a real data folder: every API method refuses a bad payload naming the field,
// system.info reports the engine's backend and the database, system.pickPaths needs the desktop's
// dialog, settings survive a reopen, and the engine's state reaches the event bus.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { openAppContext, type AppContext } from '../../src/main/app-context'
import { inputSchemaOf, listChannels } from '../../src/shared/contract'
import type { ApiResult } from '../../src/shared/errors'
import type { EngineStatusEvent, SystemInfo } from '../../src/shared/system'

let dataDir: string
let context: AppContext
const statuses: EngineStatusEvent[] = []

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lora-context-'))
  context = await openAppContext({ dataDir, mode: 'browser' })
  context.events.on('engine.status', (status) => statuses.push(status))
})

afterAll(async () => {
  await context?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

/** A value the field's schema rejects, to send in place of a valid one. */
function wrongValueFor(field: z.ZodType): unknown {
  const candidates: unknown[] = [12345, 'not-valid', [], { nested: true }, true, -1.5]
  return candidates.find((value) => !field.safeParse(value).success)
}

function expectInvalid(result: ApiResult<unknown>, channel: string): { path: string; message: string }[] {
  expect(result.ok, `${channel} accepted a bad payload`).toBe(false)
  if (result.ok) return []
  expect(result.error.code).toBe('invalid_input')
  // Words, not the method's name: each issue's sentence, joined.
  expect(result.error.message).not.toContain(channel)
  expect(result.error.message).toBe(result.error.issues?.map((i) => i.message).join('; '))
  expect(result.error.issues?.length).toBeGreaterThan(0)
  return result.error.issues ?? []
}

describe('the API router over the app context', () => {
  it('refuses an unknown field in every method, naming it', async () => {
    const channels = listChannels()
    expect(channels).toContain('system.info')
    expect(channels).toContain('settings.update')
    for (const channel of channels) {
      const issues = expectInvalid(await context.router.call(channel, { bogus: 1 }), channel)
      expect(issues, channel).toContainEqual({
        path: 'bogus',
        message: '“bogus” is not a setting here; remove it',
        rule: { code: 'unknownField' }
      })
    }
  })

  it('refuses a wrong-typed field in every method that has fields, naming it', async () => {
    let checked = 0
    for (const channel of listChannels()) {
      const schema = inputSchemaOf(channel)
      if (!(schema instanceof z.ZodObject)) continue
      for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
        const wrong = wrongValueFor(field)
        if (wrong === undefined) continue
        const issues = expectInvalid(await context.router.call(channel, { [key]: wrong }), channel)
        expect(
          issues.some((issue) => issue.path === key || issue.path.startsWith(`${key}.`)),
          `${channel}: no issue names field "${key}" (got ${JSON.stringify(issues)})`
        ).toBe(true)
        checked++
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2)
    const result = await context.router.call('settings.update', { language: 'fr' })
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', issues: [{ path: 'language' }] }
    })
  })

  it('refuses an unknown method', async () => {
    expect(await context.router.call('system.reboot', {})).toEqual({
      ok: false,
      error: { code: 'unknown_method', message: 'Unknown API method "system.reboot".' }
    })
  })
})

describe('system.info', () => {
  it('reports the engine backend with its reason, versions, data folder and database size', async () => {
    const result = await context.router.call('system.info', {})
    expect(result.ok).toBe(true)
    const info = (result as { ok: true; value: SystemInfo }).value
    expect(info.backend.name).toBe('wasm')
    expect(info.backend.reason).toMatch(
      /^tfjs-node-gpu not installed; webgpu skipped: mesa software \(llvmpipe: [^]*, slower than wasm; set LORA_STUDIO_BACKEND=webgpu to use it anyway; tfjs-node not installed; using wasm \(SIMD\)$/
    )
    expect(info.backend.adapter).toBeUndefined()
    expect(info.versions.tfjs).toBe('4.22.0')
    expect(info.versions.node).toBe(process.versions.node)
    expect(info.versions.electron).toBeNull()
    expect(info.versions.sqlite).toMatch(/^3\.\d+\.\d+$/)
    expect(info.mode).toBe('browser')
    expect(info.dataDir).toBe(dataDir)
    expect(info.databasePath).toBe(join(dataDir, 'studio.db'))
    expect(info.databaseBytes).toBeGreaterThanOrEqual(statSync(join(dataDir, 'studio.db')).size)
    expect(info.cpus).toBeGreaterThan(0)
    expect(statSync(join(dataDir, 'models')).isDirectory()).toBe(true)
    expect(statSync(join(dataDir, 'runs')).isDirectory()).toBe(true)
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'ready'])
  })
})

describe('system.pickPaths', () => {
  it('says to type the path where there is no file dialog (browser mode)', async () => {
    const result = await context.router.call('system.pickPaths', { directory: true })
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'conflict',
        message:
          'There is no file dialog in browser mode: type the path of the file or folder (on the machine running LoRA Studio) instead.'
      }
    })
  })

  it("answers with the desktop dialog's choice, asking for files or a folder as told", async () => {
    const other = mkdtempSync(join(tmpdir(), 'lora-context-'))
    const asked: boolean[] = []
    const desktop = await openAppContext({
      dataDir: other,
      mode: 'electron',
      pickPaths: async ({ directory }) => {
        asked.push(directory)
        return directory ? ['/home/me/notes'] : []
      }
    })
    try {
      expect(await desktop.router.call('system.pickPaths', { directory: true })).toEqual({
        ok: true,
        value: { paths: ['/home/me/notes'] }
      })
      expect(await desktop.router.call('system.pickPaths', { directory: false })).toEqual({
        ok: true,
        value: { paths: [] }
      })
      expect(asked).toEqual([true, false])
    } finally {
      await desktop.close()
      rmSync(other, { recursive: true, force: true })
    }
  })
})

describe('settings', () => {
  it('start at their defaults and persist across a reopen of the context', async () => {
    expect(await context.handlers.settings.get({})).toEqual({ language: 'en', theme: 'system' })
    const updated = await context.router.call('settings.update', { language: 'zh-CN' })
    expect(updated).toEqual({ ok: true, value: { language: 'zh-CN', theme: 'system' } })

    const other = mkdtempSync(join(tmpdir(), 'lora-context-'))
    try {
      const first = await openAppContext({ dataDir: other, mode: 'cli' })
      await first.handlers.settings.update({ theme: 'dark', language: 'zh-CN' })
      await first.close()
      const second = await openAppContext({ dataDir: other, mode: 'cli' })
      expect(await second.handlers.settings.get({})).toEqual({ language: 'zh-CN', theme: 'dark' })
      await second.close()
    } finally {
      rmSync(other, { recursive: true, force: true })
    }
  })
})
