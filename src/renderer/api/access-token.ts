// The browser-mode access token: read once from the page URL (`?token=`), kept in sessionStorage
// for reloads of this tab, and removed from the address bar so it is not bookmarked or shared.
import { TOKEN_PARAM } from '../../shared/socket-protocol'

const STORAGE_KEY = 'lora-studio.token'

export function takeAccessToken(): string | null {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get(TOKEN_PARAM)
  if (fromUrl) {
    sessionStorage.setItem(STORAGE_KEY, fromUrl)
    url.searchParams.delete(TOKEN_PARAM)
    window.history.replaceState(window.history.state, '', url.toString())
    return fromUrl
  }
  return sessionStorage.getItem(STORAGE_KEY)
}
