// A loopback stand-in for the Hugging Face Hub that serves model folders the way the Hub does:
// the revision listing API, resolve URLs that 302 to a CDN path for LFS files (X-Linked-Etag with the
// sha256), git-sha1 ETags for regular files, Range requests, and faults on demand (cut, corrupt, stall).
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'

export interface FakeRepo {
  /** Folder whose files the repo holds. */
  dir: string
  commit?: string
  /** Answer 403 GatedRepo unless an Authorization header is sent. */
  gated?: boolean
}

export interface FakeHubOptions {
  repos: Record<string, FakeRepo>
  /** The listing API answers 500 (a mirror without it). */
  noListing?: boolean
}

export interface RecordedRequest {
  path: string
  range: string | null
  authorization: string | null
}

interface Blob {
  data: Buffer
  sha256: string
  gitSha1: string
  lfs: boolean
}

export interface FakeHub {
  url: string
  requests: RecordedRequest[]
  /** The next `times` transfers of `file` close the socket after `bytes` bytes. */
  cutAfter(file: string, bytes: number, times?: number): void
  /** Serve `file` with byte `index` flipped (the advertised hashes stay the real ones). */
  corrupt(file: string, index: number): void
  /** The next transfer of `file` sends `bytes` bytes, then nothing more until the client gives up. */
  stallAfter(file: string, bytes: number): void
  blob(repoId: string, file: string): Blob
  /** Forgets every cut, corruption and stall not yet used. */
  clearFaults(): void
  close(): Promise<void>
}

function loadRepo(dir: string): Map<string, Blob> {
  const files = new Map<string, Blob>()
  for (const name of readdirSync(dir)) {
    const data = readFileSync(join(dir, name))
    files.set(name, {
      data,
      sha256: createHash('sha256').update(data).digest('hex'),
      gitSha1: createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex'),
      lfs: name.endsWith('.safetensors') || name.endsWith('.bin')
    })
  }
  return files
}

export async function startFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  const repos = new Map(
    Object.entries(options.repos).map(([id, repo]) => [id, { ...repo, files: loadRepo(repo.dir) }])
  )
  const requests: RecordedRequest[] = []
  const cuts = new Map<string, { bytes: number; times: number }>()
  const corrupted = new Map<string, number>()
  const stalls = new Map<string, number>()
  const bySha = new Map<string, { name: string; blob: Blob }>()
  for (const repo of repos.values())
    for (const [name, blob] of repo.files) bySha.set(blob.sha256, { name, blob })

  function hubError(res: ServerResponse, status: number, code: string): void {
    res.writeHead(status, { 'x-error-code': code, 'content-type': 'application/json' })
    res.end(JSON.stringify({ error: code }))
  }

  function sendBody(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    blob: Blob,
    headers: Record<string, string>
  ): void {
    let data = blob.data
    const flip = corrupted.get(name)
    if (flip !== undefined) {
      data = Buffer.from(data)
      data[flip] ^= 0xff
    }
    let start = 0
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
    if (range) {
      start = Number(range[1])
      if (start >= data.length) {
        res.writeHead(416, { 'content-range': `bytes */${data.length}` })
        res.end()
        return
      }
    }
    const body = data.subarray(start)
    res.writeHead(range ? 206 : 200, {
      ...headers,
      'accept-ranges': 'bytes',
      'content-length': String(body.length),
      'content-type': 'application/octet-stream',
      ...(range ? { 'content-range': `bytes ${start}-${data.length - 1}/${data.length}` } : {})
    })
    const cut = cuts.get(name)
    if (cut && cut.times > 0) {
      cut.times--
      // End the socket (FIN after the bytes) rather than destroy it: a reset can discard bytes the
      // client has not read yet, and the cut must land exactly at `bytes`.
      res.write(body.subarray(0, Math.max(0, cut.bytes - start)), () => res.socket?.end())
      return
    }
    const stall = stalls.get(name)
    if (stall !== undefined) {
      stalls.delete(name)
      res.write(body.subarray(0, stall))
      return
    }
    res.end(body)
  }

  function record(req: IncomingMessage): URL {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    requests.push({
      path: url.pathname,
      range: req.headers.range ?? null,
      authorization: req.headers.authorization ?? null
    })
    return url
  }

  // The CDN is another origin, as on the real Hub, so a token must not follow the redirect there.
  const cdnServer = createServer((req, res) => {
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(record(req).pathname)
    const found = cdn ? bySha.get(cdn[1]) : undefined
    if (!found) return hubError(res, 404, 'EntryNotFound')
    return sendBody(req, res, found.name, found.blob, { etag: `"cdn-${found.blob.sha256.slice(0, 8)}"` })
  })
  await new Promise<void>((done) => cdnServer.listen(0, '127.0.0.1', done))
  const cdnUrl = `http://127.0.0.1:${(cdnServer.address() as AddressInfo).port}`

  const server = createServer((req, res) => {
    const url = record(req)
    const listing = /^\/api\/models\/(.+)\/revision\/([^/]+)$/.exec(url.pathname)
    const resolve = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname)
    const repoId = decodeURIComponent((listing ?? resolve)?.[1] ?? '')
    const repo = repos.get(repoId)
    if (!listing && !resolve) return hubError(res, 404, 'NotFound')
    if (!repo) return hubError(res, 401, 'RepoNotFound')
    if (repo.gated && !req.headers.authorization) return hubError(res, 403, 'GatedRepo')
    const commit = repo.commit ?? 'c0ffee'.padEnd(40, '0')
    if (listing) {
      if (options.noListing) return hubError(res, 500, 'InternalError')
      const siblings = [...repo.files].map(([name, blob]) => ({
        rfilename: name,
        size: blob.data.length,
        blobId: blob.gitSha1,
        ...(blob.lfs ? { lfs: { sha256: blob.sha256, size: blob.data.length, pointerSize: 134 } } : {})
      }))
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ id: repoId, sha: commit, siblings }))
    }
    const name = decodeURIComponent(resolve?.[3] ?? '')
    const blob = repo.files.get(name)
    if (!blob) return hubError(res, 404, 'EntryNotFound')
    if (blob.lfs) {
      res.writeHead(302, {
        location: `${cdnUrl}/cdn/${blob.sha256}`,
        'x-linked-etag': `"${blob.sha256}"`,
        'x-linked-size': String(blob.data.length),
        'x-repo-commit': commit,
        etag: `"${blob.sha256}"`
      })
      return res.end()
    }
    sendBody(req, res, name, blob, { etag: `"${blob.gitSha1}"`, 'x-repo-commit': commit })
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    cutAfter: (file, bytes, times = 1) => cuts.set(file, { bytes, times }),
    corrupt: (file, index) => corrupted.set(file, index),
    stallAfter: (file, bytes) => stalls.set(file, bytes),
    clearFaults: () => {
      cuts.clear()
      corrupted.clear()
      stalls.clear()
    },
    blob: (repoId, file) => {
      const blob = repos.get(repoId)?.files.get(file)
      if (!blob) throw new Error(`fake hub: no ${file} in ${repoId}`)
      return blob
    },
    close: async () => {
      for (const s of [server, cdnServer]) {
        s.closeAllConnections()
        await new Promise<void>((done) => s.close(() => done()))
      }
    }
  }
}
