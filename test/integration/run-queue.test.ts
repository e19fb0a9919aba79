// Run queues end to end (real SQLite, a real engine process on wasm, the tiny demo model, three
// imported datasets): each run continues from the previous run's adapter, the queue completes, pauses
// and resumes with its run, stops advancing when a run fails, and comes back paused after a restart.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openAppContext, type AppContext } from '../../src/main/app-context'
import { createNodeEngineSpawner } from '../../src/main/engine-host/node-engine-spawner'
import { readSafetensors } from '../../src/engine/formats/safetensors'
import { openStore } from '../../src/main/store/store'
import { buildApi, unwrapResult } from '../../src/shared/api-client'
import type { Api } from '../../src/shared/contract'
import type { QueueProgressEvent, RunQueue } from '../../src/shared/queues'
import type { RunConfigPatchValues, RunProgressEvent } from '../../src/shared/runs'

const work = mkdtempSync(join(tmpdir(), 'run-queue-'))
const dataDir = join(work, 'data')
let ctx: AppContext
let api: Api
let modelPath: string
const datasetIds: number[] = []
const queueEvents: QueueProgressEvent[] = []

async function open(): Promise<void> {
  ctx = await openAppContext({
    dataDir,
    mode: 'cli',
    engineSpawner: createNodeEngineSpawner({ env: { LORA_STUDIO_BACKEND: 'wasm' } })
  })
  api = buildApi(
    async (channel, payload) => unwrapResult(await ctx.router.call(channel, payload)),
    (event, listener) => ctx.events.on(event, listener)
  )
  ctx.events.on('queue.progress', (e) => queueEvents.push(e))
}

const config = (extra: RunConfigPatchValues = {}): RunConfigPatchValues => ({
  baseModel: modelPath,
  maxLength: 32,
  batchSize: 2,
  maxSteps: 3,
  saveEvery: 1,
  learningRate: 1e-2,
  validation: { kind: 'none' },
  lora: { r: 4, alpha: 8, dropout: 0, targetModules: ['attn.c_attn'] },
  ...extra
})

const items = () => datasetIds.map((id) => ({ kind: 'dataset' as const, id }))

/** The first run.progress event that `pred` accepts. */
function waitForRun(pred: (e: RunProgressEvent) => boolean): Promise<RunProgressEvent> {
  let off = () => undefined as void
  return new Promise<RunProgressEvent>((seen) => {
    off = ctx.events.on('run.progress', (e) => pred(e) && seen(e))
  }).finally(() => off())
}

async function adapterTensors(dir: string): Promise<Map<string, Float32Array>> {
  const file = await readSafetensors(join(dir, 'adapter_model.safetensors'))
  return new Map([...file.tensors].map(([name, t]) => [name, t.data as Float32Array]))
}

function maxDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort())
  let max = 0
  for (const [name, x] of a) {
    const y = b.get(name)!
    for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]))
  }
  return max
}

beforeAll(async () => {
  await open()
  modelPath = (await api.models.createDemo({ size: 'tiny', seed: 1 })).path
  const topics = [
    ['stack overflow', 'return address', 'canary'],
    ['heap spray', 'use after free', 'vtable'],
    ['sql injection', 'prepared statement', 'quote']
  ]
  for (const [i, words] of topics.entries()) {
    const file = join(work, `part${i + 1}.jsonl`)
    const lines = Array.from({ length: 8 }, (_, k) =>
      JSON.stringify({
        text: `Note ${k}: the ${words[k % 3]} of part ${i + 1} is about ${words.join(', ')}.`
      })
    )
    writeFileSync(file, lines.join('\n') + '\n')
    const dataset = await api.datasets.import({
      name: `part ${i + 1}`,
      paths: [file],
      format: 'text',
      maxLength: 32,
      split: { kind: 'none' }
    })
    datasetIds.push(dataset.id)
  }
})

afterAll(async () => {
  await ctx?.close()
  rmSync(work, { recursive: true, force: true })
})

describe('a queue of runs over several datasets', () => {
  let chain: RunQueue

  it('trains the datasets in order, each run continuing from the previous run', async () => {
    const started = await api.queues.start({ name: 'parts', items: items(), config: config() })
    expect(started.status).toBe('running')
    expect(started.items.map((i) => i.label)).toEqual(['part 1', 'part 2', 'part 3'])
    expect(started.items[0].runId).not.toBeNull()
    expect(started.items.slice(1).map((i) => i.status)).toEqual(['pending', 'pending'])
    await ctx.queues.settled(started.id)
    chain = await api.queues.get({ id: started.id })
    expect(chain.message).toBeNull()
    expect(chain.status).toBe('completed')
    expect(chain.items.map((i) => i.status)).toEqual(['completed', 'completed', 'completed'])
    const runs = await Promise.all(chain.items.map((i) => api.runs.get({ id: i.runId! })))
    expect(runs.map((r) => r.parentRunId)).toEqual([null, runs[0].id, runs[1].id])
    expect(runs.map((r) => r.config.data)).toEqual(items())
    expect(runs.map((r) => r.config.initAdapter)).toEqual([null, runs[0].adapterPath, runs[1].adapterPath])
    expect(runs.map((r) => r.name)).toEqual(['parts 1/3: part 1', 'parts 2/3: part 2', 'parts 3/3: part 3'])
    expect(runs.every((r) => r.config.lora.r === 4 && r.config.maxSteps === 3)).toBe(true)
    // The queue's progress reached the renderer's event as each run started and at the end.
    const seen = queueEvents.filter((e) => e.queue.id === chain.id)
    expect(seen.at(-1)?.queue.status).toBe('completed')
    expect(new Set(seen.map((e) => e.queue.current))).toEqual(new Set([0, 1, 2]))
  })

  it("starts run 2 from run 1's adapter weights, not from a fresh adapter", async () => {
    const [first, second] = chain.items.map((i) => i.runId!)
    const secondRun = await api.runs.get({ id: second })
    // The same settings on the same data: continuing run 1 by hand gives run 2's adapter; a fresh start does not.
    const byHand = await api.runs.start({ continueFrom: first, config: { data: items()[1] } })
    const fresh = await api.runs.start({ config: config({ data: items()[1] }) })
    await ctx.runs.settled(fresh.id)
    const [queued, continued, fromScratch] = await Promise.all(
      [secondRun, byHand, fresh].map(async (r) =>
        adapterTensors((await api.runs.get({ id: r.id })).adapterPath!)
      )
    )
    expect(maxDiff(queued, continued)).toBeLessThan(1e-6)
    expect(maxDiff(queued, fromScratch)).toBeGreaterThan(1e-3)
  })

  it('pauses and resumes with its current run, then completes', async () => {
    const queue = await api.queues.start({ items: items().slice(0, 2), config: config({ maxSteps: 30 }) })
    const runId = queue.items[0].runId!
    await waitForRun((e) => e.runId === runId && e.metric?.step === 2)
    const paused = await api.queues.pause({ id: queue.id })
    expect(paused.status).toBe('paused')
    await waitForRun((e) => e.runId === runId && e.status === 'paused')
    expect((await api.queues.get({ id: queue.id })).items.map((i) => i.status)).toEqual(['paused', 'pending'])
    // The renderer hears of it too: the queue was paused already, its item's status changed after.
    const last = queueEvents.filter((e) => e.queue.id === queue.id).at(-1)?.queue
    expect(last?.items.map((i) => i.status)).toEqual(['paused', 'pending'])
    expect(await api.queues.pause({ id: queue.id }).catch((e: Error) => e.message)).toMatch(
      /only a running queue can be paused/
    )
    const resumed = await api.queues.resume({ id: queue.id })
    expect(resumed.status).toBe('running')
    await ctx.queues.settled(queue.id)
    const done = await api.queues.get({ id: queue.id })
    expect(done.status).toBe('completed')
    const runs = await Promise.all(done.items.map((i) => api.runs.get({ id: i.runId! })))
    expect(runs.map((r) => [r.status, r.step])).toEqual([
      ['completed', 30],
      ['completed', 30]
    ])
    expect(runs[1].parentRunId).toBe(runId)
  })

  it('stops advancing when a run fails, and a Resume continues it and the rest', async () => {
    const queue = await api.queues.start({ items: items(), config: config({ maxSteps: 12 }) })
    const secondRun = await new Promise<number>((resolve) => {
      const off = ctx.events.on('queue.progress', ({ queue: q }) => {
        if (q.id === queue.id && q.items[1].runId !== null) {
          off()
          resolve(q.items[1].runId)
        }
      })
    })
    await waitForRun((e) => e.runId === secondRun && e.metric?.step === 2)
    process.kill(ctx.engine.pid!, 'SIGKILL')
    await ctx.queues.settled(queue.id)
    const failed = await api.queues.get({ id: queue.id })
    expect(failed.status).toBe('failed')
    expect(failed.current).toBe(1)
    expect(failed.items.map((i) => i.status)).toEqual(['completed', 'failed', 'pending'])
    expect(failed.message).toMatch(/^Run 2 of 3 \(part 2\) failed: The engine stopped while training/)
    await api.queues.resume({ id: queue.id })
    await ctx.queues.settled(queue.id)
    const done = await api.queues.get({ id: queue.id })
    expect(done.status).toBe('completed')
    expect(done.items.map((i) => i.status)).toEqual(['completed', 'completed', 'completed'])
    expect((await api.runs.get({ id: done.items[2].runId! })).parentRunId).toBe(secondRun)
  })

  it('is paused after the app restarts mid-run, and Resume finishes it', async () => {
    const queue = await api.queues.start({ items: items().slice(0, 2), config: config({ maxSteps: 30 }) })
    const runId = queue.items[0].runId!
    await waitForRun((e) => e.runId === runId && e.metric?.step === 2)
    await ctx.close()
    // Quitting paused the queue (its run stopped with a checkpoint) rather than stopping it.
    expect(queueEvents.filter((e) => e.queue.id === queue.id).at(-1)?.queue.status).toBe('paused')
    // As if the app had been killed instead: the queue still says running, its process is gone.
    const store = openStore(join(dataDir, 'studio.db'))
    store.db
      .prepare("update run_queues set status = 'running', owner_pid = ? where id = ?")
      .run(2 ** 22 + 1, queue.id)
    store.close()
    await open()
    const after = await api.queues.get({ id: queue.id })
    expect(after.status).toBe('paused')
    expect(after.message).toMatch(/closed while this queue was training.*Resume continues/)
    expect(after.items[1].runId).toBeNull()
    await api.queues.resume({ id: queue.id })
    await ctx.queues.settled(queue.id)
    const done = await api.queues.get({ id: queue.id })
    expect(done.status).toBe('completed')
    expect((await api.runs.get({ id: done.items[1].runId! })).parentRunId).toBe(runId)
  })

  it('refuses a queue whose dataset does not exist, naming the item, and keeps nothing', async () => {
    const before = (await api.queues.list({})).length
    const err = await api.queues
      .start({ items: [...items(), { kind: 'dataset', id: 999 }], config: config() })
      .catch((e: Error) => e)
    expect(String(err)).toMatch(/Dataset 999 does not exist/)
    expect((await api.queues.list({})).length).toBe(before)
  })
})
