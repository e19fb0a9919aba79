// Where an export may be written, and writing it there without losing anything the user owns. An export
// goes to a path the user typed, so: an existing file is refused; an existing folder is used only when
// empty, or, with the user's explicit yes (`overwrite`), when it is an earlier export of ours — told by
// the marker file we write into every export, and holding nothing but files an export writes; never a
// home, system or data folder. The new export appears whole (temp folder, then rename), and of an
// earlier one only the files its marker lists are deleted.
import { constants, readFileSync, type Dirent } from 'node:fs'
import {
  access,
  lstat,
  mkdir,
  readFile,
  readdir,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  writeFile
} from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, dirname, isAbsolute, join, parse, relative, resolve, sep } from 'node:path'
import { ServiceError } from '../../shared/errors'
import { ExportAbout } from '../../shared/exports'
import { TOKENIZER_FILES } from '../tokenizer/tokenizer-files'
import { FolderError, makeDirs } from './make-dirs'

export type ExportFormat = 'peft' | 'merged'

/** Written into every export; an existing folder is replaceable only if it holds this. */
export const EXPORT_MARKER = 'lora-studio-export.json'
const MARKER_APP = 'LoRA Studio'

/** Every file an export of each format may hold besides the marker. */
export const EXPORT_FILES: Record<ExportFormat, readonly string[]> = {
  peft: ['adapter_config.json', 'adapter_model.safetensors'],
  merged: ['config.json', 'model.safetensors', ...TOKENIZER_FILES]
}

export interface ExportTargetOptions {
  /** The user said yes to replacing an earlier export at this path. */
  overwrite: boolean
  /** LoRA Studio's data folder: never replaced, and exports inside it go under its exports/ folder. */
  dataDir?: string
  /** The user's home folder (default: os.homedir()). */
  home?: string
}

/** What is at the target now: nothing, an empty folder, or an earlier export whose listed files go. */
export type ExportTargetState =
  { kind: 'new' } | { kind: 'empty' } | { kind: 'earlier-export'; format: ExportFormat; files: string[] }

/** Folders whose contents belong to the system: no export is written inside them. */
const SYSTEM_TREES =
  process.platform === 'win32'
    ? ['C:\\Windows', 'C:\\Program Files', 'C:\\Program Files (x86)', 'C:\\ProgramData']
    : [
        '/proc',
        '/sys',
        '/dev',
        '/etc',
        '/usr',
        '/bin',
        '/sbin',
        '/lib',
        '/lib32',
        '/lib64',
        '/boot',
        '/System'
      ]

/** Folders that an export may go inside but never replace. */
const SYSTEM_FOLDERS =
  process.platform === 'win32'
    ? ['C:\\Users']
    : [
        '/home',
        '/Users',
        '/root',
        '/tmp',
        '/var',
        '/opt',
        '/mnt',
        '/media',
        '/srv',
        '/run',
        '/private'
      ].concat(['/Applications', '/Library', '/Volumes', '/snap', '/var/tmp'])

const samePath = (a: string, b: string) =>
  process.platform === 'win32' || process.platform === 'darwin'
    ? a.toLowerCase() === b.toLowerCase()
    : a === b

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..')
}

function refuse(code: 'invalid_input' | 'conflict', message: string, path = 'outDir'): ServiceError {
  return new ServiceError(code, message, [{ path, message }])
}

/** The path with its existing part's links resolved, so a link cannot lead an export into a system folder. */
async function realTarget(dir: string): Promise<string> {
  const rest: string[] = []
  let at = dir
  for (;;) {
    try {
      return join(await realpath(at), ...rest)
    } catch {
      if (dirname(at) === at) return dir
      rest.unshift(basename(at))
      at = dirname(at)
    }
  }
}

/** Refuses a home, system or data folder as the target, or a target inside a system folder. */
function checkPlace(dir: string, shown: string, options: ExportTargetOptions): void {
  const home = resolve(options.home ?? homedir())
  const why = (what: string) =>
    refuse(
      'invalid_input',
      `${shown} is ${what}; an export never replaces it. Choose a new folder inside it, e.g. ${join(shown, 'lora-export')}.`
    )
  if (parse(dir).root === dir) throw why('the root of a drive')
  if (samePath(dir, home)) throw why('your home folder')
  if (SYSTEM_FOLDERS.some((f) => samePath(dir, f)) || samePath(dir, dirname(home)))
    throw why('a system folder')
  const tree = SYSTEM_TREES.find((t) => isInside(t, dir))
  if (tree && samePath(tree, dir)) throw why('a system folder')
  if (tree) {
    throw refuse(
      'invalid_input',
      `${shown} is inside ${tree}, which belongs to the system; choose a folder in your home folder, e.g. ${join(home, 'lora-exports')}.`
    )
  }
  if (options.dataDir) {
    const data = resolve(options.dataDir)
    if (isInside(dir, data)) throw why("LoRA Studio's data folder (or holds it)")
    const exportsDir = join(data, 'exports')
    if (isInside(data, dir) && !(isInside(exportsDir, dir) && !samePath(dir, exportsDir))) {
      throw refuse(
        'invalid_input',
        `${shown} is inside LoRA Studio's data folder, where runs and models live; choose a folder under ${exportsDir} or outside the data folder.`
      )
    }
  }
}

/** What an export of ours at `dir` records of its run (template, base model); null without our marker. */
export function readExportAbout(dir: string): ExportAbout | null {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(join(dir, EXPORT_MARKER), 'utf8'))
  } catch {
    return null
  }
  if (typeof raw !== 'object' || raw === null || (raw as Record<string, unknown>).writtenBy !== MARKER_APP)
    return null
  const about = ExportAbout.safeParse(raw)
  return about.success ? about.data : null
}

/** Reads an earlier export's marker: the files it lists, if it is ours and lists only export files. */
async function markerFiles(dir: string): Promise<{ format: ExportFormat; files: string[] } | null> {
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(join(dir, EXPORT_MARKER), 'utf8'))
  } catch {
    return null
  }
  if (typeof raw !== 'object' || raw === null) return null
  const { writtenBy, format, files } = raw as Record<string, unknown>
  if (writtenBy !== MARKER_APP || (format !== 'peft' && format !== 'merged')) return null
  if (!Array.isArray(files) || !files.every((f) => typeof f === 'string')) return null
  const allowed = EXPORT_FILES[format]
  if (!files.every((f) => allowed.includes(f))) return null
  return { format, files }
}

const listFew = (names: string[]) =>
  names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`

/**
 * Checks that an export may be written at `dir` (absolute) and says what is there. Throws a ServiceError
 * naming the path and what to do; an earlier export without `overwrite` is a conflict with an issue on
 * `overwrite`, so a UI can ask "Replace the earlier export?" and try again.
 */
export async function checkExportTarget(
  dir: string,
  options: ExportTargetOptions
): Promise<ExportTargetState> {
  if (!isAbsolute(dir)) {
    throw refuse(
      'invalid_input',
      `Export folder "${dir}" is not an absolute path; choose a full folder path.`
    )
  }
  const target = resolve(dir)
  checkPlace(target, target, options)
  const real = await realTarget(target)
  if (real !== target) checkPlace(real, `${target} (a link to ${real})`, options)

  const stats = await lstat(target).catch(() => null)
  if (stats === null) {
    await checkParent(target)
    return { kind: 'new' }
  }
  if (stats.isSymbolicLink()) {
    throw refuse('invalid_input', `${target} is a link; choose a new folder for the export, not a link.`)
  }
  if (!stats.isDirectory()) {
    throw refuse(
      'invalid_input',
      `${target} is a file, not a folder; an export never replaces a file. Choose a new or empty folder.`
    )
  }
  let entries: Dirent[]
  try {
    entries = await readdir(target, { withFileTypes: true })
  } catch (err) {
    throw refuse(
      'invalid_input',
      `Cannot read ${target} (${(err as NodeJS.ErrnoException).code}); choose another folder.`
    )
  }
  if (entries.length === 0) {
    await checkWritable(dirname(target), target)
    return { kind: 'empty' }
  }
  const marker = entries.some((e) => e.name === EXPORT_MARKER) ? await markerFiles(target) : null
  const ours = new Set(marker ? [...marker.files, EXPORT_MARKER] : [])
  const others = entries.filter((e) => !(e.isFile() && ours.has(e.name))).map((e) => e.name)
  if (!marker || others.length > 0) {
    const shown = marker ? others : entries.map((e) => e.name)
    throw refuse(
      'conflict',
      `${target} holds other files (${listFew(shown.sort())}); choose an empty or new folder.`
    )
  }
  if (!options.overwrite) {
    throw refuse(
      'conflict',
      `${target} holds an earlier export (${marker.format === 'peft' ? 'PEFT adapter' : 'merged model'}); ` +
        'confirm replacing it (CLI: --overwrite) or choose another folder.',
      'overwrite'
    )
  }
  await checkWritable(dirname(target), target)
  return { kind: 'earlier-export', format: marker.format, files: marker.files }
}

async function checkWritable(folder: string, target: string): Promise<void> {
  try {
    await access(folder, constants.W_OK)
  } catch {
    throw refuse(
      'invalid_input',
      `Cannot write ${target}: no permission to write in ${folder}. Choose another folder.`
    )
  }
}

/** The nearest existing folder above a new target must be a writable folder that accepts new ones. */
async function checkParent(target: string): Promise<void> {
  let at = dirname(target)
  while ((await lstat(at).catch(() => null)) === null && dirname(at) !== at) at = dirname(at)
  const stats = await stat(at).catch(() => null)
  if (stats === null || !stats.isDirectory()) {
    const what = stats === null ? 'a link to nothing' : 'a file, not a folder'
    throw refuse('invalid_input', `Cannot create ${target}: ${at} is ${what}. Choose another folder.`)
  }
  await checkWritable(at, target)
}

async function removeEarlierExport(dir: string, files: string[]): Promise<void> {
  for (const f of [...files, EXPORT_MARKER]) await unlink(join(dir, f)).catch(() => undefined)
  // Something added since the check stays, in the hidden folder, rather than being deleted.
  await rmdir(dir).catch(() => undefined)
}

/**
 * Writes an export to `dir`: checks the target, fills a hidden temp folder beside it, adds the marker
 * (with `about`, what the export records of its run), then renames it into place (an earlier export of
 * ours is moved aside first, then its files deleted).
 */
export async function writeExportFolder(
  dir: string,
  format: ExportFormat,
  options: ExportTargetOptions,
  fill: (tmp: string) => Promise<void>,
  about?: ExportAbout
): Promise<void> {
  await checkExportTarget(dir, options)
  const target = resolve(dir)
  const parent = dirname(target)
  try {
    await makeDirs(parent)
  } catch (err) {
    if (err instanceof FolderError) throw refuse('invalid_input', `${err.message} Choose another folder.`)
    throw err
  }
  const stamp = `${process.pid}-${Date.now()}`
  const tmp = join(parent, `.${basename(target)}.tmp-${stamp}`)
  const old = join(parent, `.${basename(target)}.old-${stamp}`)
  await mkdir(tmp)
  let movedAside = false
  try {
    await fill(tmp)
    const files = (await readdir(tmp)).sort()
    const unexpected = files.filter((f) => !EXPORT_FILES[format].includes(f))
    if (unexpected.length)
      throw new Error(`the ${format} export wrote unexpected files: ${unexpected.join(', ')}`)
    await writeFile(
      join(tmp, EXPORT_MARKER),
      JSON.stringify(
        { writtenBy: MARKER_APP, format, files, writtenAt: new Date().toISOString(), ...about },
        null,
        2
      )
    )
    // Checked again: the write may have taken minutes, and the folder may have changed meanwhile.
    const now = await checkExportTarget(target, options)
    if (now.kind === 'empty') await rmdir(target)
    if (now.kind === 'earlier-export') {
      await rename(target, old)
      movedAside = true
    }
    await rename(tmp, target)
    if (now.kind === 'earlier-export') await removeEarlierExport(old, now.files)
  } catch (err) {
    await rm(tmp, { recursive: true, force: true })
    if (movedAside && (await lstat(target).catch(() => null)) === null) await rename(old, target)
    throw err
  }
}
