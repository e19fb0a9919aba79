// `lora-studio chat` and `generate` as real subprocesses on a tiny factory model: --json gives the result
// object, plain output streams the same text to stdout with a footer on stderr, bad flags are refused by name.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRandomGpt2Folder } from '../../src/engine/model-factory'
import { cliProcess } from './cli-harness'

const work = mkdtempSync(join(tmpdir(), 'lora-cli-chat-'))
const modelDir = join(work, 'tiny')

beforeAll(() => createRandomGpt2Folder(modelDir, { nLayer: 1, nEmbd: 16, nHead: 2, nPositions: 64, seed: 3 }))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const cli = (args: string[]) =>
  cliProcess(['--data-dir', join(work, 'data'), ...args], {
    env: { ...process.env, LORA_STUDIO_BACKEND: 'wasm' }
  })

describe('lora-studio chat', () => {
  const args = ['chat', '--model', modelDir, '--prompt', 'What is a race condition?', '--max-new-tokens', '8']

  it('answers once: the JSON result, then the same text streamed', async () => {
    const asJson = await cli([...args, '--seed', '4', '--json'])
    expect(asJson.code).toBe(0)
    const result = JSON.parse(asJson.stdout)
    expect(result.newTokens).toBe(8)
    expect(result.finishReason).toMatch(/^(length|stop)$/)
    expect(result.options.seed).toBe(4)
    expect(result.template).toEqual({ name: 'human-assistant' })
    expect(result.target.modelPath).toBe(modelDir)
    const streamed = await cli([...args, '--seed', '4'])
    expect(streamed.code).toBe(0)
    expect(streamed.stdout).toBe(`${result.text}\n`)
    expect(streamed.stderr).toMatch(/^\[(length|stop): 8 tokens, [\d.]+ tokens\/s\]\n$/)
  })

  it('refuses an out-of-range setting naming its flag', async () => {
    const { code, stdout, stderr } = await cli([...args, '--temperature', '9'])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe('lora-studio: --temperature must be 5 or less\n')
  })
})

describe('lora-studio generate', () => {
  it('continues the prompt as raw text with the chat sampling options', async () => {
    const prompt = ['--model', modelDir, '--prompt', 'A buffer overflow', '--max-new-tokens', '6', '--greedy']
    const generated = await cli(['generate', ...prompt, '--json'])
    expect(generated.code).toBe(0)
    const result = JSON.parse(generated.stdout)
    expect(result.template).toEqual({ name: 'raw' })
    expect(result.newTokens).toBe(6)
    expect(result.options.temperature).toBe(0)
    const chatted = await cli(['chat', ...prompt, '--template', 'raw', '--json'])
    expect(JSON.parse(chatted.stdout).text).toBe(result.text)
  })

  it('needs a prompt, and says where a conversation goes instead', async () => {
    const { code, stderr } = await cli(['generate', '--model', modelDir])
    expect(code).toBe(1)
    expect(stderr).toBe(
      'lora-studio: --prompt is required: generate continues one prompt (use `lora-studio chat` for a conversation)\n'
    )
  })
})
