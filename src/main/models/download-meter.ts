// Turns a download's byte counts into progress events: speed over a sliding window of recent
// samples, and at most one "downloading" event per interval (state changes always go out).
import type { DownloadProgressEvent, DownloadState } from '../../shared/models'

export interface DownloadMeterOptions {
  repoId: string
  emit(event: DownloadProgressEvent): void
  /** Least time between two "downloading" events; default 250 ms (4 per second). */
  intervalMs?: number
  /** How far back the speed looks; default 3000 ms. */
  windowMs?: number
  now?: () => number
}

interface Sample {
  at: number
  bytes: number
}

export interface FileProgress {
  file: string
  fileIndex: number
  bytesDone: number
  bytesTotal: number | null
}

export class DownloadMeter {
  private readonly options: Required<Omit<DownloadMeterOptions, 'emit' | 'repoId'>> & DownloadMeterOptions
  private samples: Sample[] = []
  /** Bytes received over the network in this attempt (resumed bytes are not counted as speed). */
  private received = 0
  private lastEmit = Number.NEGATIVE_INFINITY
  private trailing: ReturnType<typeof setTimeout> | null = null
  private currentFinished = false
  private current: FileProgress = { file: '', fileIndex: 0, bytesDone: 0, bytesTotal: null }
  fileCount = 0
  /** Bytes of the files finished before the current one. */
  finishedBytes = 0
  totalBytes: number | null = null

  constructor(options: DownloadMeterOptions) {
    this.options = { intervalMs: 250, windowMs: 3000, now: () => performance.now(), ...options }
  }

  /** Bytes per second over the window. */
  speed(): number {
    const now = this.options.now()
    const from = now - this.options.windowMs
    while (this.samples.length > 1 && this.samples[1].at <= from) this.samples.shift()
    const first = this.samples[0]
    if (!first || now - first.at <= 0) return 0
    return ((this.received - first.bytes) * 1000) / (now - first.at)
  }

  startFile(progress: FileProgress): void {
    this.current = { ...progress }
    this.currentFinished = false
    this.emit('downloading', true)
  }

  /** `bytes` more arrived over the network for the current file. */
  addBytes(bytes: number): void {
    this.current.bytesDone += bytes
    this.received += bytes
    this.samples.push({ at: this.options.now(), bytes: this.received })
    this.emit('downloading', false)
  }

  finishFile(): void {
    this.finishedBytes += this.current.bytesDone
    this.currentFinished = true
  }

  emit(state: DownloadState, force = true, message?: string): void {
    const now = this.options.now()
    if (this.samples.length === 0) this.samples.push({ at: now, bytes: this.received })
    const wait = this.options.intervalMs - (now - this.lastEmit)
    if (!force && wait > 0) {
      // Trailing edge: the latest count still goes out, so a stalled transfer shows where it stopped.
      this.trailing ??= setTimeout(() => {
        this.trailing = null
        this.emit(state, false)
      }, wait)
      return
    }
    if (this.trailing) clearTimeout(this.trailing)
    this.trailing = null
    this.lastEmit = now
    this.options.emit({
      repoId: this.options.repoId,
      file: this.current.file,
      bytesDone: this.current.bytesDone,
      bytesTotal: this.current.bytesTotal,
      speedBytesPerSec: Math.round(this.speed()),
      state,
      fileIndex: this.current.fileIndex,
      fileCount: this.fileCount,
      totalBytesDone: this.finishedBytes + (this.currentFinished ? 0 : this.current.bytesDone),
      totalBytesTotal: this.totalBytes,
      ...(message === undefined ? {} : { message })
    })
  }
}
