// The rules for where an export may be written, on real temp folders: a file or a folder holding anything
// else is never touched, an earlier export is replaced only with overwrite, home/system/data folders are
// refused, and mkdir under procfs fails at once instead of spinning.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  EXPORT_MARKER,
  checkExportTarget,
  writeExportFolder,
  type ExportTargetOptions
} from '../../../src/engine/files/export-folder'
import { makeDirs, makeDirsSync } from '../../../src/engine/files/make-dirs'
import { serviceFailure } from '../../support/service-failure'

const work = mkdtempSync(join(tmpdir(), 'export-folder-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))
let n = 0
const fresh = () => join(work, `case-${++n}`)
const home = join(work, 'home')
mkdirSync(home, { recursive: true })
const dataDir = join(home, '.config', 'lora-studio')
mkdirSync(join(dataDir, 'runs', '1'), { recursive: true })
const opts = (overwrite = false): ExportTargetOptions => ({ overwrite, home, dataDir })

const fillPeft = (tag: string) => async (tmp: string) => {
  writeFileSync(join(tmp, 'adapter_config.json'), `{"tag":"${tag}"}`)
  writeFileSync(join(tmp, 'adapter_model.safetensors'), tag)
}

describe('export target folder', () => {
  it('writes a new folder, missing parents included, with the marker listing its files', async () => {
    const dir = join(fresh(), 'a', 'b')
    await writeExportFolder(dir, 'peft', opts(), fillPeft('one'))
    expect(readdirSync(dir).sort()).toEqual([
      'adapter_config.json',
      'adapter_model.safetensors',
      EXPORT_MARKER
    ])
    const marker = JSON.parse(readFileSync(join(dir, EXPORT_MARKER), 'utf8'))
    expect(marker).toMatchObject({
      writtenBy: 'LoRA Studio',
      format: 'peft',
      files: ['adapter_config.json', 'adapter_model.safetensors']
    })
    expect(readdirSync(join(dir, '..'))).toEqual(['b'])
  })

  it('refuses an existing file and leaves it as it was, even with overwrite', async () => {
    const file = join(fresh() + '-cyber_security1.json')
    writeFileSync(file, '{"keep":true}')
    const err = await serviceFailure(writeExportFolder(file, 'merged', opts(true), fillPeft('x')))
    expect(err.code).toBe('invalid_input')
    expect(err.message).toBe(
      `${file} is a file, not a folder; an export never replaces a file. Choose a new or empty folder.`
    )
    expect(err.issues).toEqual([{ path: 'outDir', message: err.message }])
    expect(readFileSync(file, 'utf8')).toBe('{"keep":true}')
  })

  it('refuses a folder holding other files, even with overwrite, and keeps them', async () => {
    const dir = fresh()
    mkdirSync(dir)
    writeFileSync(join(dir, 'notes.md'), 'mine')
    const err = await serviceFailure(writeExportFolder(dir, 'peft', opts(true), fillPeft('x')))
    expect(err.code).toBe('conflict')
    expect(err.message).toBe(`${dir} holds other files (notes.md); choose an empty or new folder.`)
    expect(readdirSync(dir)).toEqual(['notes.md'])
    expect(readdirSync(work).filter((f) => f.startsWith('.'))).toEqual([])
  })

  it('uses an empty folder without asking', async () => {
    const dir = fresh()
    mkdirSync(dir)
    expect(await checkExportTarget(dir, opts())).toEqual({ kind: 'empty' })
    await writeExportFolder(dir, 'peft', opts(), fillPeft('one'))
    expect(readFileSync(join(dir, 'adapter_model.safetensors'), 'utf8')).toBe('one')
  })

  it('asks before replacing an earlier export, and with overwrite replaces only that export', async () => {
    const dir = fresh()
    await writeExportFolder(dir, 'peft', opts(), fillPeft('one'))
    const err = await serviceFailure(writeExportFolder(dir, 'peft', opts(), fillPeft('two')))
    expect(err.code).toBe('conflict')
    expect(err.message).toBe(
      `${dir} holds an earlier export (PEFT adapter); confirm replacing it (CLI: --overwrite) or choose another folder.`
    )
    expect(err.issues.map((i) => i.path)).toEqual(['overwrite'])
    expect(readFileSync(join(dir, 'adapter_model.safetensors'), 'utf8')).toBe('one')

    await writeExportFolder(dir, 'merged', opts(true), async (tmp) => {
      writeFileSync(join(tmp, 'config.json'), '{}')
      writeFileSync(join(tmp, 'model.safetensors'), 'two')
    })
    expect(readdirSync(dir).sort()).toEqual(['config.json', EXPORT_MARKER, 'model.safetensors'])
    expect(readdirSync(work).filter((f) => f.startsWith('.'))).toEqual([])
  })

  it('refuses an earlier export that the user added a file to', async () => {
    const dir = fresh()
    await writeExportFolder(dir, 'peft', opts(), fillPeft('one'))
    writeFileSync(join(dir, 'README.md'), 'my notes')
    const err = await serviceFailure(writeExportFolder(dir, 'peft', opts(true), fillPeft('two')))
    expect(err.message).toBe(`${dir} holds other files (README.md); choose an empty or new folder.`)
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('my notes')
    expect(readFileSync(join(dir, 'adapter_model.safetensors'), 'utf8')).toBe('one')
  })

  it('refuses a model folder without our marker, and a marker that lists other files', async () => {
    const model = fresh()
    mkdirSync(model)
    writeFileSync(join(model, 'config.json'), '{}')
    writeFileSync(join(model, 'model.safetensors'), 'weights')
    expect((await serviceFailure(checkExportTarget(model, opts(true)))).message).toBe(
      `${model} holds other files (config.json, model.safetensors); choose an empty or new folder.`
    )
    const forged = fresh()
    mkdirSync(forged)
    writeFileSync(join(forged, 'notes.md'), 'mine')
    writeFileSync(
      join(forged, EXPORT_MARKER),
      JSON.stringify({ writtenBy: 'LoRA Studio', format: 'peft', files: ['notes.md'] })
    )
    await serviceFailure(writeExportFolder(forged, 'peft', opts(true), fillPeft('x')))
    expect(readFileSync(join(forged, 'notes.md'), 'utf8')).toBe('mine')
  })

  it('keeps the earlier export when writing the new one fails', async () => {
    const dir = fresh()
    await writeExportFolder(dir, 'peft', opts(), fillPeft('one'))
    await expect(
      writeExportFolder(dir, 'peft', opts(true), async (tmp) => {
        writeFileSync(join(tmp, 'adapter_config.json'), '{}')
        throw new Error('ENOSPC: no space left on device')
      })
    ).rejects.toThrow('ENOSPC: no space left on device')
    expect(readFileSync(join(dir, 'adapter_model.safetensors'), 'utf8')).toBe('one')
    expect(readdirSync(work).filter((f) => f.startsWith('.'))).toEqual([])
  })

  it('refuses home, root, system and data folders', async () => {
    const message = async (dir: string) => (await serviceFailure(checkExportTarget(dir, opts(true)))).message
    expect(await message(home)).toBe(
      `${home} is your home folder; an export never replaces it. Choose a new folder inside it, e.g. ${join(home, 'lora-export')}.`
    )
    expect(await message('/')).toMatch(/^\/ is the root of a drive; an export never replaces it/)
    expect(await message('/usr')).toMatch(/^\/usr is a system folder; an export never replaces it/)
    expect(await message('/etc/lora')).toMatch(/^\/etc\/lora is inside \/etc, which belongs to the system/)
    expect(await message('/tmp')).toMatch(/^\/tmp is a system folder; an export never replaces it/)
    expect(await message(dataDir)).toMatch(
      /is LoRA Studio's data folder \(or holds it\); an export never replaces it/
    )
    expect(await message(join(dataDir, 'runs', '1'))).toBe(
      `${join(dataDir, 'runs', '1')} is inside LoRA Studio's data folder, where runs and models live; choose a folder under ${join(dataDir, 'exports')} or outside the data folder.`
    )
    expect(await checkExportTarget(join(dataDir, 'exports', 'run-1'), opts())).toEqual({ kind: 'new' })
    expect(await message('relative/out')).toBe(
      'Export folder "relative/out" is not an absolute path; choose a full folder path.'
    )
  })

  it('follows links: a link into a system folder is refused', async () => {
    const link = fresh()
    symlinkSync('/etc', link)
    expect((await serviceFailure(checkExportTarget(join(link, 'x'), opts()))).message).toBe(
      `${join(link, 'x')} (a link to /etc/x) is inside /etc, which belongs to the system; choose a folder in your home folder, e.g. ${join(home, 'lora-exports')}.`
    )
  })

  it('refuses a target below a file', async () => {
    const file = fresh()
    writeFileSync(file, 'x')
    expect((await serviceFailure(checkExportTarget(join(file, 'sub', 'out'), opts()))).message).toBe(
      `Cannot create ${join(file, 'sub', 'out')}: ${file} is a file, not a folder. Choose another folder.`
    )
  })
})

describe.skipIf(!existsSync('/proc/self'))('makeDirs', () => {
  it('fails at once under /proc, where recursive mkdir spins forever', async () => {
    const started = Date.now()
    await expect(makeDirs('/proc/nope/x')).rejects.toThrow(
      'Cannot create /proc/nope/x: /proc does not accept new folders.'
    )
    expect(() => makeDirsSync('/proc/nope/x')).toThrow(
      'Cannot create /proc/nope/x: /proc does not accept new folders.'
    )
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('makes missing levels, and names a file in the way', async () => {
    const base = fresh()
    await makeDirs(join(base, 'a', 'b'))
    makeDirsSync(join(base, 'c', 'd'))
    expect(readdirSync(base).sort()).toEqual(['a', 'c'])
    writeFileSync(join(base, 'f'), 'x')
    await expect(makeDirs(join(base, 'f', 'g'))).rejects.toThrow(
      `Cannot create ${join(base, 'f', 'g')}: ${join(base, 'f')} is a file, not a folder.`
    )
  })
})
