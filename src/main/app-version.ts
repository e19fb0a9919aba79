// The app's version, from package.json, for About and `lora-studio info` outside Electron.
import packageJson from '../../package.json'

export const appVersion: string = packageJson.version
