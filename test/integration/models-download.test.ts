// Hub download against a loopback stand-in for the Hub: files land whole and registered, an
// interrupted transfer resumes with Range, a corrupted byte fails the sha256 check and leaves nothing,
// and wrong ids, gated repos, .bin-only repos, cancel and stalls give errors that say what to do.
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { DownloadProgressEvent } from '../../src/shared/models'
import { createRandomGpt2Folder } from '../../src/engine/model-factory'
import { createModelService, type ModelService } from '../../src/main/models/model-service'
import { openStore, type Store } from '../../src/main/store/store'
import { startFakeHub, type FakeHub } from './fake-hub'
import { failure } from './service-failure'

const root = mkdtempSync(join(tmpdir(), 'lora-hub-'))
const repoDir = join(root, 'repo')
const binOnlyDir = join(root, 'bin-only')
let hub: FakeHub
let store: Store
let modelsDir: string
let service: ModelService
let events: DownloadProgressEvent[] = []
let env: NodeJS.ProcessEnv = {}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

beforeAll(async () => {
  await createRandomGpt2Folder(repoDir, {
    nLayer: 2,
    nEmbd: 64,
    nHead: 2,
    nPositions: 256,
    seed: 7,
    name: 'tiny'
  })
  mkdirSync(binOnlyDir)
  writeFileSync(join(binOnlyDir, 'config.json'), readFileSync(join(repoDir, 'config.json')))
  writeFileSync(join(binOnlyDir, 'pytorch_model.bin'), Buffer.alloc(1000, 1))
  hub = await startFakeHub({
    repos: {
      'studio-test/tiny-gpt2': { dir: repoDir, commit: 'a'.repeat(40) },
      'studio-test/gated-gpt2': { dir: repoDir, gated: true },
      'studio-test/bin-only': { dir: binOnlyDir }
    }
  })
})

afterAll(async () => {
  await hub.close()
  rmSync(root, { recursive: true, force: true })
})

let dataCount = 0
function freshService(options: { stallTimeoutMs?: number } = {}): void {
  const dataDir = join(root, `data-${++dataCount}`)
  modelsDir = join(dataDir, 'models')
  mkdirSync(modelsDir, { recursive: true })
  store = openStore(join(dataDir, 'studio.db'))
  events = []
  env = { HF_ENDPOINT: hub.url }
  service = createModelService({
    store,
    modelsDir,
    env,
    emitProgress: (event) => events.push(event),
    ...options
  })
}

afterEach(() => {
  hub.clearFaults()
  hub.requests.length = 0
  store.close()
})

describe('models.download from a Hub-like server', () => {
  it('downloads through the resolve redirects, verifies and registers the model', async () => {
    freshService()
    env.HF_TOKEN = 'hf_secret'
    const started = performance.now()
    const model = await service.handlers.download({ repoId: 'studio-test/tiny-gpt2', revision: 'main' })
    const seconds = (performance.now() - started) / 1000
    const weights = hub.blob('studio-test/tiny-gpt2', 'model.safetensors')
    console.info(
      `loopback download: ${(weights.data.length / 1e6).toFixed(1)} MB weights in ${seconds.toFixed(2)} s`
    )
    expect(model).toMatchObject({
      name: 'studio-test--tiny-gpt2',
      source: 'hub',
      hubId: 'studio-test/tiny-gpt2',
      revision: 'a'.repeat(40),
      parameters: 3_332_928,
      layers: 2,
      width: 64,
      heads: 2,
      vocabSize: 50257,
      contextLength: 256,
      hasTokenizer: true,
      problem: null
    })
    expect(model.path).toBe(join(modelsDir, 'studio-test--tiny-gpt2'))
    expect(sha256(join(model.path, 'model.safetensors'))).toBe(weights.sha256)
    expect(readdirSync(model.path).sort()).toEqual(
      [
        'config.json',
        'merges.txt',
        'model.safetensors',
        'special_tokens_map.json',
        'tokenizer_config.json',
        'vocab.json'
      ].sort()
    )
    expect(readdirSync(modelsDir)).toEqual(['studio-test--tiny-gpt2'])
    expect(await service.handlers.list({})).toEqual([model])
    // Pinned to the listed commit; the weights went through the CDN redirect without the token.
    const weightRequests = hub.requests.filter(
      (r) => r.path.endsWith('model.safetensors') || r.path.startsWith('/cdn/')
    )
    expect(weightRequests.map((r) => r.path)).toEqual([
      `/studio-test/tiny-gpt2/resolve/${'a'.repeat(40)}/model.safetensors`,
      `/cdn/${weights.sha256}`
    ])
    expect(weightRequests.map((r) => r.authorization)).toEqual(['Bearer hf_secret', null])
    const states = events.map((e) => e.state)
    expect(states[0]).toBe('starting')
    expect(states.at(-1)).toBe('completed')
    expect(states).toContain('verifying')
    const last = events.at(-1) as DownloadProgressEvent
    const total = readdirSync(model.path).reduce((sum, f) => sum + statSync(join(model.path, f)).size, 0)
    expect(last).toMatchObject({ fileCount: 6, totalBytesDone: total, totalBytesTotal: total })
  })

  it('resumes an interrupted transfer with a Range request and ends with the right sha256', async () => {
    freshService()
    hub.cutAfter('model.safetensors', 1_000_000)
    const first = await failure(
      service.handlers.download({ repoId: 'studio-test/tiny-gpt2', revision: 'main' })
    )
    const size = hub.blob('studio-test/tiny-gpt2', 'model.safetensors').data.length
    // The server cuts after 1,000,000 bytes; how many of them the client had written when the
    // connection dropped depends on buffering, so the check is that the message, the partial file
    // and the resumed range all agree on that count.
    const dropped = /dropped after (\d+) of (\d+) bytes of model\.safetensors.*download again to resume/.exec(
      first.message
    )
    expect(dropped, first.message).not.toBeNull()
    const kept = Number(dropped?.[1])
    expect(Number(dropped?.[2])).toBe(size)
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThanOrEqual(1_000_000)
    expect(await service.handlers.list({})).toEqual([])
    expect(events.at(-1)?.state).toBe('failed')
    const part = join(modelsDir, '.download-studio-test--tiny-gpt2', 'model.safetensors.part')
    expect(statSync(part).size).toBe(kept)

    hub.requests.length = 0
    const model = await service.handlers.download({ repoId: 'studio-test/tiny-gpt2', revision: 'main' })
    const cdn = hub.requests.filter((r) => r.path.startsWith('/cdn/'))
    expect(cdn.map((r) => r.range)).toEqual([`bytes=${kept}-`])
    // The small files finished in the first attempt and are not fetched again.
    expect(hub.requests.some((r) => r.path.endsWith('/vocab.json'))).toBe(false)
    expect(sha256(join(model.path, 'model.safetensors'))).toBe(
      hub.blob('studio-test/tiny-gpt2', 'model.safetensors').sha256
    )
    expect(existsSync(join(modelsDir, '.download-studio-test--tiny-gpt2'))).toBe(false)
  })

  it('rejects a corrupted byte by its sha256 and leaves nothing registered or half-written', async () => {
    freshService()
    hub.corrupt('model.safetensors', 123_456)
    const err = await failure(
      service.handlers.download({ repoId: 'studio-test/tiny-gpt2', revision: 'main' })
    )
    const expected = hub.blob('studio-test/tiny-gpt2', 'model.safetensors').sha256
    expect(err.message).toMatch(
      /^model\.safetensors of studio-test\/tiny-gpt2 failed its integrity check: sha256 [0-9a-f]{64}/
    )
    expect(err.message).toContain(`the Hub says ${expected}`)
    expect(await service.handlers.list({})).toEqual([])
    expect(existsSync(join(modelsDir, 'studio-test--tiny-gpt2'))).toBe(false)
    expect(existsSync(join(modelsDir, '.download-studio-test--tiny-gpt2', 'model.safetensors.part'))).toBe(
      false
    )
  })

  it('checks regular files against their git sha1 ETag', async () => {
    freshService()
    hub.corrupt('config.json', 10)
    const err = await failure(
      service.handlers.download({ repoId: 'studio-test/tiny-gpt2', revision: 'main' })
    )
    expect(err.message).toContain(`config.json of studio-test/tiny-gpt2 failed its integrity check: git sha1`)
    expect(err.message).toContain(hub.blob('studio-test/tiny-gpt2', 'config.json').gitSha1)
  })

  it('says the repository id is wrong when the Hub does not know it', async () => {
    freshService()
    const err = await failure(service.handlers.download({ repoId: 'nobody/no-such-model', revision: 'main' }))
    expect(err.code).toBe('not_found')
    expect(err.message).toBe(
      `No model repository "nobody/no-such-model" on ${hub.url} (HTTP 401): check the id (e.g. gpt2, distilgpt2, openai-community/gpt2-medium); if it is private, set HF_TOKEN to an access token that can read it.`
    )
    expect(readdirSync(modelsDir)).toEqual([])
  })

  it('explains gated repositories and uses HF_TOKEN when set', async () => {
    freshService()
    const err = await failure(
      service.handlers.download({ repoId: 'studio-test/gated-gpt2', revision: 'main' })
    )
    expect(err.code).toBe('forbidden')
    expect(err.message).toMatch(/is gated or private \(HTTP 403\).*accept its license, then set HF_TOKEN/)
    env.HF_TOKEN = 'hf_ok'
    const model = await service.handlers.download({ repoId: 'studio-test/gated-gpt2', revision: 'main' })
    expect(model.name).toBe('studio-test--gated-gpt2')
  })

  it('says how to convert a repository that has only pytorch_model.bin', async () => {
    freshService()
    const err = await failure(service.handlers.download({ repoId: 'studio-test/bin-only', revision: 'main' }))
    expect(err.message).toContain('studio-test/bin-only has only pytorch_model.bin')
    expect(err.message).toContain("save_pretrained('OUT_DIR', safe_serialization=True)")
  })

  it('says the network is down when the endpoint cannot be reached', async () => {
    freshService()
    const closed = await startFakeHub({ repos: {} })
    await closed.close()
    const err = await failure(
      service.handlers.download({ repoId: 'gpt2', revision: 'main', endpoint: closed.url })
    )
    expect(err.message).toBe(
      `Cannot reach ${closed.url} (ECONNREFUSED): check the network connection or proxy, or use another endpoint (the endpoint field or HF_ENDPOINT, e.g. a mirror).`
    )
  })

  it('cancels a download in flight, keeping what arrived for a resume', async () => {
    freshService()
    hub.stallAfter('model.safetensors', 500_000)
    const download = service.handlers.download({
      repoId: 'studio-test/tiny-gpt2',
      revision: 'main',
      name: 'later'
    })
    while (!events.some((e) => e.file === 'model.safetensors' && e.bytesDone >= 500_000)) {
      await new Promise((r) => setTimeout(r, 10))
    }
    expect(await service.handlers.cancelDownload({ repoId: 'studio-test/tiny-gpt2' })).toEqual({
      cancelled: true
    })
    const err = await failure(download)
    expect(err.code).toBe('cancelled')
    expect(events.at(-1)?.state).toBe('cancelled')
    expect(statSync(join(modelsDir, '.download-later', 'model.safetensors.part')).size).toBe(500_000)
    expect(await service.handlers.cancelDownload({ repoId: 'studio-test/tiny-gpt2' })).toEqual({
      cancelled: false
    })
  })

  it('gives up on a stalled transfer after the stall timeout', async () => {
    freshService({ stallTimeoutMs: 300 })
    hub.stallAfter('model.safetensors', 200_000)
    const err = await failure(
      service.handlers.download({ repoId: 'studio-test/tiny-gpt2', revision: 'main' })
    )
    expect(err.message).toMatch(
      /sent nothing for 0\.3 s while downloading model\.safetensors \(200000 bytes so far\)/
    )
  })

  it('fetches the known files from a mirror without the listing API, skipping absent optional ones', async () => {
    const mirror = await startFakeHub({ repos: { gpt2: { dir: repoDir } }, noListing: true })
    try {
      freshService()
      const model = await service.handlers.download({
        repoId: 'gpt2',
        revision: 'main',
        endpoint: mirror.url
      })
      expect(model).toMatchObject({
        name: 'gpt2',
        revision: 'main',
        parameters: 3_332_928,
        hasTokenizer: true
      })
      expect(mirror.requests.some((r) => r.path === '/gpt2/resolve/main/tokenizer.json')).toBe(true)
      expect(existsSync(join(model.path, 'tokenizer.json'))).toBe(false)
    } finally {
      await mirror.close()
    }
  })
})
