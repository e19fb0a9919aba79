// `mkdir -p` that always ends. Node's `mkdir(path, { recursive: true })` takes ENOENT to mean "make the
// parent first", so under a parent that exists but refuses children with ENOENT (procfs, sysfs, a
// dangling symlink) it retries forever and holds a thread at 100 % CPU. Here the nearest existing
// ancestor is found first, checked to be a writable folder, and each missing level is made once.
import { accessSync, constants, lstatSync, mkdirSync, statSync, type Stats } from 'node:fs'
import { access, lstat, mkdir, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'

/** A folder that cannot be made; the message names the path and why, in the user's words. */
export class FolderError extends Error {
  constructor(
    readonly path: string,
    message: string
  ) {
    super(message)
    this.name = 'FolderError'
  }
}

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException).code
/** lstat's answer for a path that is not there (ENOTDIR: a file stands where a folder should). */
const absent = (err: unknown) => codeOf(err) === 'ENOENT' || codeOf(err) === 'ENOTDIR'

/** What to say when `dir` cannot be made because `ancestor` (which exists) is as `stats` says. */
function ancestorProblem(dir: string, ancestor: string, stats: Stats | null): FolderError | null {
  if (stats === null) return new FolderError(dir, `Cannot create ${dir}: ${ancestor} is a link to nothing.`)
  if (!stats.isDirectory())
    return new FolderError(dir, `Cannot create ${dir}: ${ancestor} is a file, not a folder.`)
  return null
}

function levelError(dir: string, level: string, err: unknown): FolderError {
  const code = codeOf(err)
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new FolderError(dir, `Cannot create ${dir}: no permission to write in ${dirname(level)}.`)
  if (code === 'ENOENT')
    return new FolderError(dir, `Cannot create ${dir}: ${dirname(level)} does not accept new folders.`)
  return new FolderError(dir, `Cannot create ${dir}: ${(err as Error).message}`)
}

/** The missing levels of `dir`, outermost first, and the nearest ancestor that exists. */
async function missingLevels(dir: string): Promise<{ ancestor: string; levels: string[] }> {
  const levels: string[] = []
  let at = resolve(dir)
  for (;;) {
    try {
      await lstat(at)
      return { ancestor: at, levels }
    } catch (err) {
      if (!absent(err) || dirname(at) === at) throw levelError(dir, at, err)
      levels.unshift(at)
      at = dirname(at)
    }
  }
}

/** Makes `dir` and its missing parents; fails at once, naming the path, when that cannot be done. */
export async function makeDirs(dir: string): Promise<void> {
  const { ancestor, levels } = await missingLevels(dir)
  const stats = await stat(ancestor).catch(() => null)
  const problem = ancestorProblem(dir, ancestor, stats)
  if (problem) throw problem
  if (levels.length === 0) return
  await access(ancestor, constants.W_OK).catch((err: unknown) => {
    throw levelError(dir, levels[0], err)
  })
  for (const level of levels) {
    try {
      await mkdir(level)
    } catch (err) {
      if (codeOf(err) === 'EEXIST' && (await stat(level).catch(() => null))?.isDirectory()) continue
      throw levelError(dir, level, err)
    }
  }
}

/** makeDirs for code that must stay synchronous (opening the data folder at start). */
export function makeDirsSync(dir: string): void {
  const levels: string[] = []
  let at = resolve(dir)
  for (;;) {
    try {
      lstatSync(at)
      break
    } catch (err) {
      if (!absent(err) || dirname(at) === at) throw levelError(dir, at, err)
      levels.unshift(at)
      at = dirname(at)
    }
  }
  let stats: Stats | null = null
  try {
    stats = statSync(at)
  } catch {
    stats = null
  }
  const problem = ancestorProblem(dir, at, stats)
  if (problem) throw problem
  if (levels.length === 0) return
  try {
    accessSync(at, constants.W_OK)
  } catch (err) {
    throw levelError(dir, levels[0], err)
  }
  for (const level of levels) {
    try {
      mkdirSync(level)
    } catch (err) {
      if (codeOf(err) === 'EEXIST' && statSync(level, { throwIfNoEntry: false })?.isDirectory()) continue
      throw levelError(dir, level, err)
    }
  }
}
