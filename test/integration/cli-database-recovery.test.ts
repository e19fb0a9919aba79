// The database recovery commands as a real subprocess: a backup at start (not repeated while nothing
// changed), `backups`, `restore-db --latest` keeping the damaged file, a damaged or lost studio.db named
// with the way out (exit 1), and `--start-fresh` to start empty on purpose.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/main/store/store'
import { cliProcess } from './cli-harness'

const work = mkdtempSync(join(tmpdir(), 'lora-cli-recovery-'))

afterAll(() => rmSync(work, { recursive: true, force: true }))

const cli = (args: string[]) => cliProcess(args)

/** A data folder whose database holds one dataset with many records (so a cut really loses pages). */
function dataFolder(name: string): string {
  const dir = join(work, name)
  const store = openStore(join(dir, 'studio.db'))
  store.db.exec(
    "insert into datasets (name, format, settings_json, created_at) values ('notes', 'text', '{}', 't')"
  )
  const insert = store.db.prepare(
    "insert into dataset_records (dataset_id, ordinal, location_json, record_json) values (1, ?, '{}', ?)"
  )
  store.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run(i, JSON.stringify({ text: 'z'.repeat(1500) }))
  })
  store.close()
  mkdirSync(join(dir, 'runs', '1'), { recursive: true })
  return dir
}

describe('backups and restore-db', () => {
  it('backs up at start, not again while nothing changed, and restores the latest keeping the damaged file', async () => {
    const dir = dataFolder('restore')
    expect((await cli(['--data-dir', dir, 'datasets'])).code).toBe(0)
    expect((await cli(['--data-dir', dir, 'datasets'])).code).toBe(0)
    const listed = await cli(['--data-dir', dir, 'backups', '--json'])
    expect(listed.code).toBe(0)
    const { backups } = JSON.parse(listed.stdout) as { backups: { file: string; path: string }[] }
    expect(backups).toHaveLength(1)
    expect(backups[0].file).toMatch(/^studio-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.db$/)

    const db = join(dir, 'studio.db')
    truncateSync(db, Math.floor(statSync(db).size / 2))
    const damaged = await cli(['--data-dir', dir, 'datasets'])
    expect(damaged.code).toBe(1)
    expect(damaged.stderr).toMatch(
      new RegExp(
        `^lora-studio: The database ${db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged \\(.+\\)\\. Restore a backup with \`lora-studio restore-db --latest\``
      )
    )

    const restored = await cli(['--data-dir', dir, 'restore-db', '--latest'])
    expect(restored.stderr).toBe('')
    expect(restored.code).toBe(0)
    const aside = readdirSync(dir).filter((f) => f.startsWith('studio.db.damaged-'))
    expect(aside).toHaveLength(1)
    expect(restored.stdout).toBe(
      `Restored ${db} from ${backups[0].path}.\nThe previous file (damaged) is kept as ${join(dir, aside[0])}; delete it yourself once you no longer need it.\n`
    )
    const after = await cli(['--data-dir', dir, 'datasets', '--json'])
    expect(after.code).toBe(0)
    expect(JSON.parse(after.stdout)[0]).toMatchObject({ name: 'notes', recordCount: 0 })
  })

  it('restore-db with neither a file nor --latest is refused with the usage', async () => {
    const r = await cli(['--data-dir', join(work, 'none'), 'restore-db'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('give one backup file or --latest (usage: lora-studio restore-db')
  })
})

describe('a lost database', () => {
  it('a 0-byte studio.db beside a runs/ folder is refused, and --start-fresh starts empty on purpose', async () => {
    const dir = join(work, 'zero')
    mkdirSync(join(dir, 'runs', '1'), { recursive: true })
    writeFileSync(join(dir, 'studio.db'), '')
    const refused = await cli(['--data-dir', dir, 'runs'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(
      `lora-studio: The database ${join(dir, 'studio.db')} is empty (0 bytes), but ${join(dir, 'runs')} holds data`
    )
    expect(refused.stderr).toContain('--start-fresh')
    expect(statSync(join(dir, 'studio.db')).size).toBe(0)
    const fresh = await cli(['--data-dir', dir, '--start-fresh', 'runs'])
    expect(fresh.code).toBe(0)
    expect(fresh.stdout).toBe('no runs yet; start one with lora-studio train\n')
    expect(existsSync(join(dir, 'runs', '1'))).toBe(true)
  })
})
