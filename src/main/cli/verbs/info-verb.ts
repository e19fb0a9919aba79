// `lora-studio info`: the engine's backend and why it was chosen, versions, the data folder and
// the database size — the CLI's view of the Settings/About page.
import type { CliVerb } from '../cli-verb'
import type { GpuAdapterInfo } from '../../../shared/system'
import { formatBytes, keyValueLines } from '../human-format'

function gpuLine(adapter: GpuAdapterInfo | undefined): [string, string][] {
  if (!adapter) return []
  const name = [adapter.vendor, adapter.architecture, adapter.description].filter((s) => s !== '').join(' · ')
  return [
    [
      'GPU',
      `${name} (${adapter.software ? 'software' : 'hardware'}; tensors ≤ ` +
        `${formatBytes(adapter.maxStorageBufferBindingSize)}, buffers ≤ ${formatBytes(adapter.maxBufferSize)})`
    ]
  ]
}

export const infoVerb: CliVerb = {
  name: 'info',
  summary: 'Show the TensorFlow.js backend (and why), versions, the data folder and the database size',
  usage: 'lora-studio info [--data-dir DIR] [--json]',
  async run({ json, io, openContext }) {
    const context = await openContext()
    const info = await context.handlers.system.info({})
    if (json) {
      io.out(JSON.stringify(info, null, 2))
      return
    }
    const v = info.versions
    io.out(
      keyValueLines([
        ['LoRA Studio', `${info.appVersion} (${info.mode})`],
        ['Backend', `${info.backend.name} — ${info.backend.reason}`],
        ...gpuLine(info.backend.adapter),
        [
          'Versions',
          `TensorFlow.js ${v.tfjs}, Node ${v.node}, SQLite ${v.sqlite}` +
            (v.electron ? `, Electron ${v.electron}` : '')
        ],
        ['Data folder', info.dataDir],
        ['Database', `${info.databasePath} (${formatBytes(info.databaseBytes)})`],
        [
          'Machine',
          `${info.platform} ${info.arch}, ${info.cpus} CPUs, ${formatBytes(info.totalMemoryBytes)} memory`
        ]
      ])
    )
  }
}
