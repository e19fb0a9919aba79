// The download meter on a hand-driven clock: speed over the sliding window, at most one
// "downloading" event per interval with the latest count sent on the trailing edge, totals per file.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { DownloadProgressEvent } from '../../../src/shared/models'
import { DownloadMeter } from '../../../src/main/models/download-meter'

let clock = 0
let events: DownloadProgressEvent[]
let meter: DownloadMeter

beforeEach(() => {
  vi.useFakeTimers()
  clock = 0
  events = []
  meter = new DownloadMeter({ repoId: 'gpt2', emit: (e) => events.push(e), now: () => clock })
  meter.fileCount = 2
  meter.totalBytes = 3000
})

afterEach(() => {
  vi.useRealTimers()
})

function advance(ms: number): void {
  clock += ms
  vi.advanceTimersByTime(ms)
}

describe('DownloadMeter', () => {
  it('sends at most one downloading event per 250 ms and the last count after a pause', () => {
    meter.startFile({ file: 'config.json', fileIndex: 1, bytesDone: 0, bytesTotal: 1000 })
    expect(events).toHaveLength(1)
    for (let i = 0; i < 10; i++) {
      advance(10)
      meter.addBytes(100)
    }
    // 100 ms of bytes after the start event: nothing yet; the trailing event comes at 250 ms.
    expect(events).toHaveLength(1)
    advance(150)
    expect(events).toHaveLength(2)
    expect(events[1]).toMatchObject({ state: 'downloading', bytesDone: 1000, totalBytesDone: 1000 })
    // 1000 bytes over the 250 ms since the first sample.
    expect(events[1].speedBytesPerSec).toBe(4000)
  })

  it('measures speed over the last 3 s only', () => {
    meter.startFile({ file: 'model.safetensors', fileIndex: 2, bytesDone: 0, bytesTotal: null })
    for (let i = 0; i < 10; i++) {
      advance(1000)
      meter.addBytes(i < 5 ? 1000 : 100)
    }
    // The window holds the samples from t=7 s (then the last three seconds at 100 B/s each).
    expect(Math.round(meter.speed())).toBe(100)
  })

  it('counts finished files once in the totals and forces state changes out', () => {
    meter.startFile({ file: 'config.json', fileIndex: 1, bytesDone: 0, bytesTotal: 1000 })
    meter.addBytes(1000)
    meter.finishFile()
    meter.startFile({ file: 'model.safetensors', fileIndex: 2, bytesDone: 500, bytesTotal: 2000 })
    meter.finishFile()
    meter.emit('completed')
    expect(events.at(-1)).toMatchObject({
      state: 'completed',
      file: 'model.safetensors',
      fileIndex: 2,
      fileCount: 2,
      totalBytesDone: 1500,
      totalBytesTotal: 3000
    })
    expect(events.filter((e) => e.state === 'downloading').map((e) => e.fileIndex)).toEqual([1, 2])
  })
})
