// HTTP to the Hugging Face Hub (or a mirror): GET with redirects followed by hand so the Hub's own
// headers (X-Linked-Etag, X-Linked-Size) survive the hop to the CDN, the repo file listing, and
// errors that say what to do (gated repo, wrong id, network down).
import { ServiceError } from '../../shared/errors'

export interface HubConnection {
  /** Base URL without a trailing slash, e.g. https://huggingface.co. */
  endpoint: string
  repoId: string
  revision: string
  /** HF_TOKEN: sent as a Bearer token to the endpoint's own host only, never to the CDN. */
  token?: string
  signal: AbortSignal
  fetch: typeof fetch
}

export interface HubResponse {
  response: Response
  /** Headers of the first response (the Hub's), which carry the LFS hash and size before a redirect. */
  hubHeaders: Headers
}

const redirectStatuses = new Set([301, 302, 303, 307, 308])
const maxRedirects = 10

function describeCause(err: unknown): string {
  const cause =
    err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))
}

export function cancelledError(hub: Pick<HubConnection, 'repoId'>): ServiceError {
  return new ServiceError(
    'cancelled',
    `The download of ${hub.repoId} was cancelled; start it again to resume where it stopped.`
  )
}

export function unreachableError(hub: Pick<HubConnection, 'endpoint'>, err: unknown): ServiceError {
  return new ServiceError(
    'internal',
    `Cannot reach ${hub.endpoint} (${describeCause(err)}): check the network connection or proxy, or use another endpoint (the endpoint field or HF_ENDPOINT, e.g. a mirror).`
  )
}

/** GET `url`, following redirects (Authorization only to the endpoint's origin). Network failures become ServiceErrors. */
export async function hubGet(
  hub: HubConnection,
  url: string,
  headers: Record<string, string> = {}
): Promise<HubResponse> {
  const origin = new URL(hub.endpoint).origin
  let current = new URL(url)
  let first: Headers | null = null
  for (let hop = 0; hop <= maxRedirects; hop++) {
    const sent: Record<string, string> = { ...headers }
    if (hub.token && current.origin === origin) sent.authorization = `Bearer ${hub.token}`
    let response: Response
    try {
      response = await hub.fetch(current, { headers: sent, redirect: 'manual', signal: hub.signal })
    } catch (err) {
      if (hub.signal.aborted) throw cancelledError(hub)
      throw unreachableError(hub, err)
    }
    const location = response.headers.get('location')
    if (!redirectStatuses.has(response.status) || !location) {
      return { response, hubHeaders: first ?? response.headers }
    }
    first ??= response.headers
    await response.body?.cancel()
    current = new URL(location, current)
  }
  throw new ServiceError(
    'internal',
    `${url} redirected more than ${maxRedirects} times; try another endpoint.`
  )
}

/** The error for a Hub answer that is not a success, naming the repo, revision or file. */
export function hubHttpError(hub: HubConnection, response: Response, file?: string): ServiceError {
  const code = response.headers.get('x-error-code')
  const status = `HTTP ${response.status}`
  const what = file ? `${file} of ${hub.repoId}` : hub.repoId
  if (code === 'RevisionNotFound') {
    return new ServiceError(
      'not_found',
      `${hub.repoId} has no revision "${hub.revision}" (${status}); use main or an existing branch, tag or commit.`
    )
  }
  if (code === 'EntryNotFound' || (file && response.status === 404 && code !== 'RepoNotFound')) {
    return new ServiceError(
      'not_found',
      `${hub.repoId} has no file ${file ?? ''} at revision ${hub.revision} (${status}).`
    )
  }
  if (code === 'RepoNotFound' || response.status === 404) {
    return new ServiceError(
      'not_found',
      `No model repository "${hub.repoId}" on ${hub.endpoint} (${status}): check the id (e.g. gpt2, distilgpt2, openai-community/gpt2-medium)${hub.token ? '' : '; if it is private, set HF_TOKEN to an access token that can read it'}.`
    )
  }
  if (code === 'GatedRepo' || response.status === 401 || response.status === 403) {
    const page = `https://huggingface.co/${hub.repoId}`
    return new ServiceError(
      'forbidden',
      hub.token
        ? `Access to ${what} was refused (${status}) although HF_TOKEN is set: open ${page} with that account, accept the model's license, and check the token may read the repository.`
        : `${hub.repoId} is gated or private (${status}): open ${page} while signed in, accept its license, then set HF_TOKEN to a read token from https://huggingface.co/settings/tokens and download again.`
    )
  }
  if (response.status === 429) {
    return new ServiceError(
      'internal',
      `${hub.endpoint} is rate-limiting downloads (${status}); wait a few minutes and try again, or set HF_TOKEN.`
    )
  }
  return new ServiceError(
    'internal',
    `${hub.endpoint} answered ${status} ${response.statusText} for ${what}; try again later or use another endpoint.`
  )
}

export interface RepoFile {
  name: string
  size: number | null
  /** From the listing's `lfs.sha256`, for files stored in LFS. */
  sha256: string | null
}

export interface RepoListing {
  /** The commit the revision points at, to pin every file to it. */
  commit: string | null
  /** null when the endpoint has no listing API (some mirrors): fetch the known files instead. */
  files: RepoFile[] | null
}

interface SiblingJson {
  rfilename?: unknown
  size?: unknown
  lfs?: { sha256?: unknown; size?: unknown } | null
}

function toRepoFile(sibling: SiblingJson): RepoFile | null {
  if (typeof sibling.rfilename !== 'string') return null
  const lfsSha = sibling.lfs?.sha256
  const size = typeof sibling.lfs?.size === 'number' ? sibling.lfs.size : sibling.size
  return {
    name: sibling.rfilename,
    size: typeof size === 'number' ? size : null,
    sha256: typeof lfsSha === 'string' && /^[0-9a-f]{64}$/.test(lfsSha) ? lfsSha : null
  }
}

/** `GET {endpoint}/api/models/{repo}/revision/{rev}?blobs=true`: the commit and every file with its LFS hash. */
export async function listRepoFiles(hub: HubConnection): Promise<RepoListing> {
  const url = `${hub.endpoint}/api/models/${hub.repoId}/revision/${encodeURIComponent(hub.revision)}?blobs=true`
  const { response } = await hubGet(hub, url, { accept: 'application/json' })
  if ([401, 403, 404].includes(response.status)) {
    await response.body?.cancel()
    throw hubHttpError(hub, response)
  }
  if (!response.ok) {
    await response.body?.cancel()
    return { commit: null, files: null }
  }
  let json: { sha?: unknown; siblings?: unknown }
  try {
    json = (await response.json()) as typeof json
  } catch {
    return { commit: null, files: null }
  }
  if (!Array.isArray(json.siblings)) return { commit: null, files: null }
  const files = (json.siblings as SiblingJson[]).map(toRepoFile).filter((f): f is RepoFile => f !== null)
  const commit = typeof json.sha === 'string' && /^[0-9a-f]{40}$/.test(json.sha) ? json.sha : null
  return { commit, files }
}
