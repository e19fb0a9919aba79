// The desktop app's native open dialog, where the preload exposes one as
// `window.api.dialog.openPaths({ directory })` (resolving to the chosen absolute paths, [] when
// cancelled). Browser mode has none: there the person types a path on the server's machine.
export interface NativePicker {
  openPaths(options: { directory: boolean }): Promise<string[]>
}

function isPicker(value: unknown): value is NativePicker {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'openPaths') === 'function'
}

export function nativePicker(): NativePicker | null {
  const bridge: unknown = window.api
  if (typeof bridge !== 'object' || bridge === null) return null
  const dialog: unknown = Reflect.get(bridge, 'dialog')
  return isPicker(dialog) ? dialog : null
}
