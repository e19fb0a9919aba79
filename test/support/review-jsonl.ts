// Large alpaca JSONL files for the import tests that watch memory, the event loop and leftover files:
// streamed to disk a line at a time, so the test process never holds the whole file.
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'

const advice = 'Check the length before copying into the stack buffer, and prefer bounded functions. '

/**
 * Writes code-review records to `path` until it holds at least `targetBytes`; returns the bytes written.
 * `adviceRepeats` sets how long each answer is (and so how many records make up the size).
 */
export async function writeReviewJsonl(
  path: string,
  targetBytes: number,
  adviceRepeats = 4
): Promise<number> {
  const out = createWriteStream(path)
  let bytes = 0
  for (let i = 0; bytes < targetBytes; i++) {
    const line =
      JSON.stringify({
        instruction: `Review function number ${i}`,
        input: '',
        output: `${advice.repeat(adviceRepeats)}(${i})`
      }) + '\n'
    bytes += Buffer.byteLength(line)
    if (!out.write(line)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'close')
  return bytes
}
