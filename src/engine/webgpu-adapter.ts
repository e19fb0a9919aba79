// Finds the WebGPU adapter through Dawn (the `webgpu` package's dawn.node), says what it is and whether it is a
// software emulation, and starts tfjs's webgpu backend on exactly that adapter: the backend chooser in
// backend.ts needs to see the adapter before deciding, and the engine needs its limits to split tensors.
import { pathToFileURL } from 'node:url'
import * as tf from '@tensorflow/tfjs-core'
import type { GpuAdapterInfo } from '../shared/system'
import type { create as createGpu } from 'webgpu'
import { webgpuEntry } from './dawn-location'

/** What Dawn's adapter info carries (the standard fields plus the fallback flag of newer specs). */
interface AdapterInfoFields {
  vendor?: string
  architecture?: string
  device?: string
  description?: string
  isFallbackAdapter?: boolean
}

const softwareNames = /llvmpipe|lavapipe|swiftshader|\bwarp\b|microsoft basic render|software/i

/** Why the adapter counts as a software emulation, or null for a hardware GPU. */
export function softwareReason(info: AdapterInfoFields, isFallbackAdapter?: boolean): string | null {
  if (isFallbackAdapter === true || info.isFallbackAdapter === true) return 'fallback adapter'
  if ((info.architecture ?? '').toLowerCase() === 'software') return 'architecture "software"'
  for (const field of [info.description, info.device, info.vendor]) {
    const match = softwareNames.exec(field ?? '')
    if (match) return `"${match[0]}" in its name`
  }
  return null
}

function mib(bytes: number): string {
  return bytes >= 1024 ** 3
    ? `${+(bytes / 1024 ** 3).toFixed(1)} GiB`
    : `${Math.round(bytes / 1024 ** 2)} MiB`
}

/** "mesa software (llvmpipe: Mesa 25.0.7 …), software, storage binding ≤ 128 MiB, buffer ≤ 4 GiB". */
export function describeAdapter(adapter: GpuAdapterInfo): string {
  const name = [adapter.vendor, adapter.architecture].filter((s) => s !== '').join(' ') || 'unnamed adapter'
  const description = adapter.description || adapter.device
  return (
    `${name}${description ? ` (${description})` : ''}, ${adapter.software ? 'software' : 'hardware'}, ` +
    `storage binding ≤ ${mib(adapter.maxStorageBufferBindingSize)}, buffer ≤ ${mib(adapter.maxBufferSize)}`
  )
}

/** An adapter found but not (yet) started: its facts and how to start tfjs on it. */
export interface FoundAdapter {
  info: GpuAdapterInfo
  /** Why it is software, or null. */
  softwareWhy: string | null
  /** Requests the device and registers + activates tfjs's "webgpu" backend on it. */
  start(): Promise<void>
}

let gpu: GPU | null = null

/** Dawn's GPU object, made once per process and exposed as navigator.gpu (tfjs reads it there). */
async function dawnGpu(): Promise<GPU> {
  if (gpu) return gpu
  // From app.asar.unpacked in the packaged app (dawn-location.ts); a plain import elsewhere.
  const entry = pathToFileURL(webgpuEntry()).href
  const dawn = (await import(/* @vite-ignore */ entry)) as { create: typeof createGpu; globals: object }
  Object.assign(globalThis, dawn.globals)
  const made = dawn.create([])
  // Node ≥ 21 and Electron have a read-only navigator: add gpu to it; Node 20 has none.
  const nav = (globalThis as { navigator?: object }).navigator
  if (nav) Object.defineProperty(nav, 'gpu', { value: made, configurable: true })
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu: made }, configurable: true })
  gpu = made
  return made
}

let activeAdapter: GpuAdapterInfo | null = null
/** The first error the device reported since the last `throwIfGpuFailed` (validation, out of memory, internal). */
let firstGpuError: string | null = null
let gpuErrorCount = 0

/**
 * Throws when the GPU reported an error since the last call: its results are then garbage (WebGPU's errors
 * arrive as events, and the commands that failed simply did nothing). Call it after reading results back,
 * naming what they were.
 */
export function throwIfGpuFailed(what: string): void {
  if (firstGpuError === null) return
  const first = firstGpuError
  const more = gpuErrorCount > 1 ? ` (and ${gpuErrorCount - 1} more)` : ''
  firstGpuError = null
  gpuErrorCount = 0
  throw new Error(
    `The GPU failed while computing ${what}: ${first}${more}. The results are unusable; if it ran out of memory, ` +
      'use a smaller batch or sequence length, or another backend (LORA_STUDIO_BACKEND=wasm).'
  )
}

let registered = false

async function activateWebgpu(): Promise<void> {
  const ok = await tf.setBackend('webgpu')
  if (!ok) throw new Error('tfjs could not start its webgpu backend on the device')
  await tf.ready()
}

/** The adapter tfjs's webgpu backend runs on in this process, or null when it is not the backend. */
export function activeGpuAdapter(): GpuAdapterInfo | null {
  return tf.getBackend() === 'webgpu' ? activeAdapter : null
}

/**
 * The most bytes one tensor may have on the current backend: WebGPU's maxStorageBufferBindingSize (a shader
 * cannot bind more), unlimited elsewhere.
 */
export function maxBindingBytes(): number {
  return activeGpuAdapter()?.maxStorageBufferBindingSize ?? Number.POSITIVE_INFINITY
}

/** Asks Dawn for its preferred high-performance adapter; null when there is none. */
export async function findAdapter(): Promise<FoundAdapter | null> {
  const found = await (await dawnGpu()).requestAdapter({ powerPreference: 'high-performance' })
  if (found === null) return null
  const adapter = found
  const raw = adapter.info as AdapterInfoFields
  const legacyFallback = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter
  const softwareWhy = softwareReason(raw, legacyFallback)
  const info: GpuAdapterInfo = {
    vendor: raw.vendor ?? '',
    architecture: raw.architecture ?? '',
    device: raw.device ?? '',
    description: raw.description ?? '',
    software: softwareWhy !== null,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize
  }
  return {
    info,
    softwareWhy,
    async start() {
      if (registered) {
        // One device per process: a second start (tests switch backends back and forth) reuses it.
        await activateWebgpu()
        return
      }
      // The package registers its own "webgpu" factory (which asks for an adapter again); replace it with one
      // on the adapter examined here, asking for its full limits as tfjs's own factory does.
      const webgpu = await import('@tensorflow/tfjs-backend-webgpu')
      // Deterministic products: with few output tiles tfjs splits K across workgroups and sums with atomicAdd,
      // in whatever order they finish, so two identical runs differ in the last bits and a resumed run no
      // longer repeats the uninterrupted one. Any threshold below one tile keeps every product on the tiled
      // program (the split only ever pays for tiny outputs, e.g. a 64-wide model's LM-head gradient).
      tf.env().set('WEBGPU_THRESHOLD_TO_INCREASE_WORKGROUPS_FOR_MATMUL', 0.5)
      const limits = adapter.limits
      const device = await adapter.requestDevice({
        requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
        requiredLimits: {
          maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
          maxBufferSize: limits.maxBufferSize,
          maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup
        }
      })
      // A failed GPU command is not an exception: WebGPU reports it here and the results read as zeros.
      device.onuncapturederror = (event: GPUUncapturedErrorEvent) => {
        firstGpuError ??= event.error.message.split('\n')[0].trim()
        gpuErrorCount++
      }
      if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu')
      tf.registerBackend('webgpu', () => new webgpu.WebGPUBackend(device, adapter.info))
      registered = true
      activeAdapter = info
      await activateWebgpu()
    }
  }
}
