// The desktop app's native open dialog (system.pickPaths, answered by Electron's dialog). Browser
// mode has none: there the person types a path on the machine running the server.
import { runsInElectron } from '../../api'
import { useSystemStore } from '../../stores/system'

export interface NativePicker {
  openPaths(options: { directory: boolean }): Promise<string[]>
}

export function nativePicker(): NativePicker | null {
  if (!runsInElectron) return null
  const system = useSystemStore()
  return { openPaths: (options) => system.pickPaths(options) }
}
