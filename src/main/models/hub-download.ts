// Downloads a GPT-2 model repository from the Hugging Face Hub (or a mirror) into a staging folder:
// one file at a time into `<file>.part`, resumed with a Range request after an interruption, checked
// against the Hub's sha256 (LFS) or git blob sha1, and renamed to its real name only when verified.
import { createHash, type Hash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ServiceError } from '../../shared/errors'
import type { DownloadMeter } from './download-meter'
import {
  cancelledError,
  hubGet,
  hubHttpError,
  listRepoFiles,
  type HubConnection,
  type RepoFile
} from './hub-client'
import { convertBinHint, isModelFile, isWeightsFile, knownModelFiles } from './model-files'

export interface HubDownloadOptions extends HubConnection {
  /** Collects the files; kept between attempts so that a later download resumes. */
  stagingDir: string
  meter: DownloadMeter
  /** Abort a transfer that receives nothing for this long; default 60 s. */
  stallTimeoutMs?: number
}

export interface HubDownloadResult {
  /** The commit the files came from, when the Hub said; else the revision asked for. */
  revision: string
  files: string[]
}

interface PlannedFile extends RepoFile {
  required: boolean
}

/** Which files to fetch, small ones first and the weights last. */
function planFiles(hub: HubConnection, listed: RepoFile[] | null): PlannedFile[] {
  if (listed === null) {
    return knownModelFiles
      .filter((name) => name !== 'model.safetensors.index.json')
      .map((name) => ({
        name,
        size: null,
        sha256: null,
        required: name === 'config.json' || name === 'model.safetensors'
      }))
  }
  const names = new Set(listed.map((f) => f.name))
  if (!names.has('config.json')) {
    throw new ServiceError(
      'invalid_input',
      `${hub.repoId} has no config.json at revision ${hub.revision}; it is not a Transformers model repository (try gpt2 or distilgpt2).`
    )
  }
  const single = names.has('model.safetensors')
  if (!single && !names.has('model.safetensors.index.json')) {
    if (names.has('pytorch_model.bin')) {
      throw new ServiceError('invalid_input', convertBinHint.replace('The repository', `${hub.repoId}`))
    }
    throw new ServiceError(
      'invalid_input',
      `${hub.repoId} has no model.safetensors at revision ${hub.revision}; it holds no weights LoRA Studio can read.`
    )
  }
  // With a single model.safetensors, leftover shards and their index are not needed.
  const wanted = listed.filter((f) => {
    if (!isModelFile(f.name)) return false
    if (!single) return true
    return (
      f.name === 'model.safetensors' || (!isWeightsFile(f.name) && f.name !== 'model.safetensors.index.json')
    )
  })
  const order = (f: RepoFile): number => (isWeightsFile(f.name) ? 1 : 0)
  return wanted
    .sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name))
    .map((f) => ({
      ...f,
      required: f.name === 'config.json' || isWeightsFile(f.name) || f.name === 'model.safetensors.index.json'
    }))
}

function cleanEtag(value: string | null): string | null {
  if (!value) return null
  return value.replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase()
}

interface ExpectedHash {
  algorithm: 'sha256' | 'git-sha1'
  value: string
}

/** The LFS sha256 (listing, X-Linked-Etag or ETag), else the git blob sha1 a regular file's ETag holds. */
function expectedHash(planned: PlannedFile, hubHeaders: Headers): ExpectedHash | null {
  if (planned.sha256) return { algorithm: 'sha256', value: planned.sha256 }
  const linked = cleanEtag(hubHeaders.get('x-linked-etag'))
  const etag = cleanEtag(hubHeaders.get('etag'))
  for (const candidate of [linked, etag]) {
    if (candidate && /^[0-9a-f]{64}$/.test(candidate)) return { algorithm: 'sha256', value: candidate }
  }
  if (etag && /^[0-9a-f]{40}$/.test(etag)) return { algorithm: 'git-sha1', value: etag }
  return null
}

async function hashExisting(hash: Hash, path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
}

async function gitBlobSha1(path: string): Promise<string> {
  const data = await readFile(path)
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex')
}

function contentRangeStart(response: Response): { start: number; total: number | null } | null {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '')
  if (!match) return null
  return { start: Number(match[1]), total: match[2] === '*' ? null : Number(match[2]) }
}

function headerNumber(headers: Headers, name: string): number | null {
  const value = headers.get(name)
  return value !== null && /^\d+$/.test(value) ? Number(value) : null
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size
  } catch {
    return 0
  }
}

class FileDownload {
  constructor(
    private readonly options: HubDownloadOptions,
    private readonly planned: PlannedFile,
    private readonly fileIndex: number,
    private readonly revision: string
  ) {}

  private get target(): string {
    return join(this.options.stagingDir, this.planned.name)
  }

  private get part(): string {
    return `${this.target}.part`
  }

  /** Resolves to false when an optional file is absent from the repo. */
  async run(): Promise<boolean> {
    const { meter } = this.options
    if (existsSync(this.target)) {
      const size = await sizeOf(this.target)
      meter.startFile({
        file: this.planned.name,
        fileIndex: this.fileIndex,
        bytesDone: size,
        bytesTotal: size
      })
      meter.finishFile()
      return true
    }
    return this.fetchFile(await sizeOf(this.part), true)
  }

  private async fetchFile(offset: number, mayRestart: boolean): Promise<boolean> {
    const { meter } = this.options
    const hub = this.options
    const name = this.planned.name
    const url = `${hub.endpoint}/${hub.repoId}/resolve/${encodeURIComponent(this.revision)}/${name}`
    const stall = new AbortController()
    const signal = AbortSignal.any([hub.signal, stall.signal])
    const stallMs = hub.stallTimeoutMs ?? 60_000
    let timer = setTimeout(() => stall.abort(), stallMs)
    const rearm = (): void => {
      clearTimeout(timer)
      timer = setTimeout(() => stall.abort(), stallMs)
    }
    try {
      const { response, hubHeaders } = await hubGet(
        { ...hub, signal },
        url,
        offset > 0 ? { range: `bytes=${offset}-` } : {}
      ).catch((err: unknown) => {
        if (stall.signal.aborted && !hub.signal.aborted) throw this.stalledError(offset)
        throw err
      })
      if (response.status === 404 && !this.planned.required) {
        await response.body?.cancel()
        return false
      }
      const expected = expectedHash(this.planned, hubHeaders)
      const knownSize = this.planned.size ?? headerNumber(hubHeaders, 'x-linked-size')
      if (response.status === 416 && offset > 0) {
        await response.body?.cancel()
        if (offset === knownSize) return this.finish(expected, null)
        await rm(this.part, { force: true })
        if (mayRestart) return this.fetchFile(0, false)
      }
      if (response.status === 404 && name === 'model.safetensors') {
        await response.body?.cancel()
        throw new ServiceError(
          'invalid_input',
          `${hub.repoId} has no model.safetensors at revision ${hub.revision}.\n${convertBinHint}`
        )
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel()
        throw hubHttpError(hub, response, name)
      }
      let start = 0
      let total: number | null
      if (response.status === 206) {
        const range = contentRangeStart(response)
        if (!range || range.start !== offset) {
          await response.body.cancel()
          await rm(this.part, { force: true })
          if (mayRestart) return this.fetchFile(0, false)
          throw new ServiceError(
            'internal',
            `${hub.endpoint} resumed ${name} at the wrong byte; download again.`
          )
        }
        start = offset
        total = range.total
      } else {
        const length = headerNumber(response.headers, 'content-length')
        total = length ?? knownSize
      }
      const hash = createHash('sha256')
      if (start > 0) await hashExisting(hash, this.part)
      meter.startFile({ file: name, fileIndex: this.fileIndex, bytesDone: start, bytesTotal: total })
      let done = start
      const handle = await open(this.part, start > 0 ? 'a' : 'w')
      try {
        for await (const chunk of response.body) {
          const bytes = chunk as Uint8Array
          await handle.write(bytes)
          hash.update(bytes)
          done += bytes.length
          meter.addBytes(bytes.length)
          rearm()
        }
      } catch (err) {
        if (hub.signal.aborted) throw cancelledError(hub)
        if (stall.signal.aborted) throw this.stalledError(done)
        throw this.droppedError(done, total, err)
      } finally {
        await handle.close()
      }
      if (total !== null && done !== total) throw this.droppedError(done, total, null)
      return this.finish(expected, hash)
    } finally {
      clearTimeout(timer)
    }
  }

  /** Checks the complete `.part` against the Hub's hash and renames it to the real name. */
  private async finish(expected: ExpectedHash | null, streamed: Hash | null): Promise<boolean> {
    const { meter } = this.options
    meter.emit('verifying')
    if (expected) {
      let actual: string
      if (expected.algorithm === 'git-sha1') actual = await gitBlobSha1(this.part)
      else if (streamed) actual = streamed.digest('hex')
      else {
        const hash = createHash('sha256')
        await hashExisting(hash, this.part)
        actual = hash.digest('hex')
      }
      if (actual !== expected.value) {
        await rm(this.part, { force: true })
        const algo = expected.algorithm === 'git-sha1' ? 'git sha1' : 'sha256'
        throw new ServiceError(
          'internal',
          `${this.planned.name} of ${this.options.repoId} failed its integrity check: ${algo} ${actual}, but the Hub says ${expected.value}. The damaged file was deleted; download again.`
        )
      }
    }
    await rename(this.part, this.target)
    meter.finishFile()
    return true
  }

  private droppedError(done: number, total: number | null, err: unknown): ServiceError {
    const why = err instanceof Error ? ` (${(err.cause as Error | undefined)?.message ?? err.message})` : ''
    return new ServiceError(
      'internal',
      `The connection to ${this.options.endpoint} dropped after ${done}${total === null ? '' : ` of ${total}`} bytes of ${this.planned.name}${why}; download again to resume from there.`
    )
  }

  private stalledError(done: number): ServiceError {
    const seconds = (this.options.stallTimeoutMs ?? 60_000) / 1000
    return new ServiceError(
      'internal',
      `${this.options.endpoint} sent nothing for ${seconds} s while downloading ${this.planned.name} (${done} bytes so far); check the network and download again to resume.`
    )
  }
}

/** Fetches every model file of the repo into `stagingDir`; throws a ServiceError that says what to do. */
export async function downloadHubModel(options: HubDownloadOptions): Promise<HubDownloadResult> {
  const { meter } = options
  meter.emit('starting')
  const listing = await listRepoFiles(options)
  const plan = planFiles(options, listing.files)
  const revision = listing.commit ?? options.revision
  meter.fileCount = plan.length
  meter.totalBytes = plan.every((f) => f.size !== null)
    ? plan.reduce((sum, f) => sum + (f.size ?? 0), 0)
    : null
  await mkdir(options.stagingDir, { recursive: true })
  const files: string[] = []
  for (const [index, planned] of plan.entries()) {
    if (options.signal.aborted) throw cancelledError(options)
    if (await new FileDownload(options, planned, index + 1, revision).run()) files.push(planned.name)
  }
  return { revision, files }
}
