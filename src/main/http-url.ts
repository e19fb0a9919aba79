// Reading a URL the app was handed (a socket's Origin, a link to open in the system browser) where only
// plain http(s) will do: anything else, or text that is no URL at all, is refused the same way.

/** `text` as a URL when it is one with the http: or https: scheme; otherwise null. */
export function httpUrl(text: string): URL | null {
  let parsed: URL
  try {
    parsed = new URL(text)
  } catch {
    return null
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : null
}
