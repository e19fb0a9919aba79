// Applies the theme setting to the document: "light" and "dark" directly, "system" by following
// prefers-color-scheme as it changes. The colours themselves are CSS variables in styles/base.css.
import type { ThemeName } from '../shared/system'

const darkQuery = window.matchMedia('(prefers-color-scheme: dark)')
let current: ThemeName = 'system'

function render(): void {
  const dark = current === 'dark' || (current === 'system' && darkQuery.matches)
  document.documentElement.dataset.theme = dark ? 'dark' : 'light'
}

darkQuery.addEventListener('change', render)

export function applyTheme(theme: ThemeName): void {
  current = theme
  render()
}
