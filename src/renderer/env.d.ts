// Ambient types of the renderer: `window.api`, which the Electron preload defines and browser
// mode leaves undefined (the api seam picks the transport by that).
import type { Api } from '../shared/contract'

declare global {
  interface Window {
    api?: Api
  }
}
