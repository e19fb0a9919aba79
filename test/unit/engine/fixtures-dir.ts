// Where the PyTorch fixtures live for engine tests (test/fixtures in the repository; how they were made:
// test/fixtures/README.md). A missing fixture is a failure, never a skip: requireFixture throws at
// collection time, so the test file fails with a message naming the folder.
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

export const fixturesDir = resolve(repoRoot, 'test/fixtures')
export const tinyModelDir = resolve(fixturesDir, 'gpt2-tiny')
export const tokenizerDir = resolve(fixturesDir, 'gpt2-tokenizer')
/** The PyTorch reference tools (ref_gpt2.py, peft_ref.py), for the tests that run Python's torch. */
export const torchToolsDir = resolve(repoRoot, 'tools/pytorch')

/** Returns `path` if it exists; otherwise throws, naming the path and how to get it back. */
export function requireFixture(path: string): string {
  if (!existsSync(path)) {
    throw new Error(
      `Fixture ${path} is missing. It is part of the repository (test/fixtures): restore it with ` +
        '`git checkout -- test/fixtures`, or remake gpt2-tiny with `/usr/bin/python3 tools/pytorch/make_fixtures.py --write`.'
    )
  }
  return path
}
