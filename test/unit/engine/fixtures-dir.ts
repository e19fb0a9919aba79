// Where the shared PyTorch fixtures live for engine tests (../shared/fixtures beside the repository),
// and whether they are there, so tests can skip with a clear message on a checkout without them.
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

export const fixturesDir = resolve(repoRoot, '../shared/fixtures')
export const tinyModelDir = resolve(fixturesDir, 'gpt2-tiny')
export const tokenizerDir = resolve(fixturesDir, 'gpt2-tokenizer')

export function fixtureMissing(dir: string): boolean {
  if (existsSync(dir)) return false
  console.warn(
    `skipping: fixture folder ${dir} is missing (it lives in ../shared/fixtures beside the repository)`
  )
  return true
}
