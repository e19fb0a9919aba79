// The engine's own jobs: `ping` (is it alive, which process) and `systemInfo` (the tfjs backend it
// chose and why, the tfjs version, its memory), which the Settings/About page and `info` show,
// and `sleep`, a diagnostic that holds the engine busy until done or cancelled.
import * as tf from '@tensorflow/tfjs-core'
import { engineBackend } from '../backend'
import type { JobHandler } from '../job-registry'

const startedAt = Date.now()

export const ping: JobHandler<'ping'> = async () => ({
  pong: true,
  pid: process.pid,
  uptimeMs: Date.now() - startedAt
})

export const systemInfo: JobHandler<'systemInfo'> = async () => {
  const backend = await engineBackend()
  const memory = process.memoryUsage()
  return {
    backend,
    tfjsVersion: tf.version_core,
    pid: process.pid,
    memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed }
  }
}

export const sleep: JobHandler<'sleep'> = ({ ms }, { signal, emit }) => {
  const started = Date.now()
  emit('log', { level: 'info', message: `sleeping for ${ms} ms` })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve({ sleptMs: Date.now() - started })
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(new DOMException(`sleep was cancelled after ${Date.now() - started} ms`, 'AbortError'))
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
