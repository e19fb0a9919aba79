// Chinese is complete and speaks with one term per concept: en.ts and zh-CN.ts have the same keys,
// no Chinese text is left equal to the English unless it is listed here (a name, a placeholder),
// no term the glossary rejects appears in zh-CN.ts, and a service's field issue, the run summary line
// and the memory breakdown read in Chinese.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import en from '../../../src/renderer/i18n/en'
import zhCN from '../../../src/renderer/i18n/zh-CN'
import { i18n } from '../../../src/renderer/i18n/instance'
import { errorText, issueText, type Translate } from '../../../src/renderer/i18n/issue-text'
import { memoryDetail, runNoteText } from '../../../src/renderer/views/runs/run-words'
import { parseGpt2Config } from '../../../src/engine/formats/hf-config'
import { estimateInferenceMemory, estimateTrainingMemory } from '../../../src/engine/training/memory-estimate'
import { ApiCallError } from '../../../src/shared/errors'

function flatten(messages: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(messages)) {
    if (typeof value === 'string') out.set(prefix + key, value)
    else for (const [k, v] of flatten(value as object, `${prefix}${key}.`)) out.set(k, v)
  }
  return out
}

/** Keys whose Chinese is the English on purpose: names, placeholders, terms kept in English (GLOSSARY.md). */
const sameOnPurpose = new Set([
  'app.name',
  'datasets.templates.alpaca',
  'datasets.templates.chatml',
  'datasets.source.placeholder',
  'datasets.mask.swatchMasked',
  'train.groups.lora',
  'train.fields.alpha.label',
  'train.fields.dropout.label',
  'train.fields.adamBeta1.label',
  'train.fields.adamBeta2.label',
  'train.fields.adamEpsilon.label',
  'train.estimate.parts.logits',
  'runs.columns.rAlpha',
  'chat.adapterFolderHint',
  'chat.templateNames.human-assistant',
  'chat.templateNames.alpaca',
  'chat.templateNames.chatml',
  'models.add.pathPlaceholder',
  'models.progress.bytesUnknown',
  'models.sources.hub',
  'settings.tfjs',
  'settings.electron',
  'settings.chrome',
  'settings.node',
  'settings.sqlite',
  'evaluate.filePlaceholder',
  'fieldLabels.topK',
  'fieldLabels.topP',
  'fieldLabels.alpha',
  'fieldLabels.dropout'
])

const english = flatten(en)
const chinese = flatten(zhCN)

describe('zh-CN is complete', () => {
  it('has exactly the keys of en.ts', () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort())
  })

  it('translates every text except the ones kept in English on purpose', () => {
    const same = [...english].filter(([key, text]) => chinese.get(key) === text).map(([key]) => key)
    expect(same.filter((key) => !sameOnPurpose.has(key))).toEqual([])
    // The list stays honest: a key translated since (or removed) leaves it.
    expect([...sameOnPurpose].filter((key) => english.get(key) !== chinese.get(key))).toEqual([])
  })
})

describe('one term per concept (GLOSSARY.md)', () => {
  const glossary = readFileSync(join(import.meta.dirname, '../../../src/renderer/i18n/GLOSSARY.md'), 'utf8')
  const rows = glossary
    .split('\n')
    .filter((line) => line.startsWith('|') && !line.includes('---'))
    .slice(1)
    .map((line) => line.split('|').map((cell) => cell.trim()))
  const rejected = rows.flatMap((cells) =>
    cells[4].split(',').map((term) => ({ concept: cells[1], chosen: cells[3], term: term.trim() }))
  )

  it('lists the chosen and rejected terms for token and epoch', () => {
    expect(rejected).toContainEqual({ concept: 'token', chosen: 'token', term: '词元' })
    expect(rejected).toContainEqual({ concept: 'epoch', chosen: '轮次', term: 'epoch' })
  })

  it('zh-CN.ts uses no rejected term', () => {
    const found = rejected.flatMap(({ concept, chosen, term }) =>
      [...chinese]
        .filter(([, text]) =>
          /^[\x20-\x7e]+$/.test(term) ? text.toLowerCase().includes(term.toLowerCase()) : text.includes(term)
        )
        .map(([key]) => `${key}: "${term}" (use ${chosen} for ${concept})`)
    )
    expect(found).toEqual([])
  })
})

describe('field issues in the person’s language', () => {
  afterEach(() => {
    i18n.global.locale.value = 'en'
  })

  const temperature = {
    path: 'options.temperature',
    message: 'Temperature must be 0 or more',
    rule: { code: 'atLeast' as const, min: 0 }
  }

  it('words a service issue from its rule and the field’s label', () => {
    expect(issueText(temperature)).toBe('Temperature must be 0 or more')
    i18n.global.locale.value = 'zh-CN'
    expect(issueText(temperature)).toBe('温度不能小于 0')
    expect(issueText({ path: 'config.lora.r', message: '', rule: { code: 'integer' } })).toBe(
      '秩 r必须是整数'
    )
    // Without a rule the service's own words stay.
    expect(issueText({ path: 'config.data', message: 'dataset 4 does not exist' })).toBe(
      'dataset 4 does not exist'
    )
  })

  it('shows a refused call as its issues, not the service’s English', () => {
    i18n.global.locale.value = 'zh-CN'
    const err = new ApiCallError({
      code: 'invalid_input',
      message: 'Give the dataset a name',
      issues: [{ path: 'name', message: 'Give the dataset a name', rule: { code: 'required' } }]
    })
    expect(errorText(err)).toBe('请填写名称')
  })
})

describe('run facts in Chinese', () => {
  afterEach(() => {
    i18n.global.locale.value = 'en'
  })
  const t: Translate = (key, values) => i18n.global.t(key, values ?? {})

  it("words the run summary line from its facts, the workers' reason included", () => {
    const note = {
      kind: 'started' as const,
      samples: 10,
      validationSamples: 0,
      maxLength: 256,
      steps: 16,
      workers: 2,
      workersWhy: { why: 'asked' as const, backend: 'wasm' as const, asked: 2 }
    }
    expect(runNoteText(note, t)).toBe('training 10 samples of up to 256 tokens, 16 steps, 2 workers as asked')
    expect(runNoteText({ ...note, validationSamples: 3 }, t)).toBe(
      'training 10 samples of up to 256 tokens (+ 3 samples to evaluate on), 16 steps, 2 workers as asked'
    )
    const gpu = {
      ...note,
      workers: 1,
      workersWhy: { why: 'gpu' as const, backend: 'webgpu' as const, asked: 4 }
    }
    expect(runNoteText(gpu, t)).toBe(
      'training 10 samples of up to 256 tokens, 16 steps, 1 worker (4 asked): webgpu computes on one GPU device'
    )
    i18n.global.locale.value = 'zh-CN'
    expect(runNoteText(note, t)).toBe(
      '训练 10 个样本（每个最多 256 个 token），共 16 步，按要求使用 2 个工作线程'
    )
    expect(runNoteText(gpu, t)).toBe(
      '训练 10 个样本（每个最多 256 个 token），共 16 步，1 个工作线程（要求 4 个）：webgpu 只在一个 GPU 设备上计算'
    )
    const memory = { ...note, workersWhy: { why: 'memory' as const, backend: 'wasm' as const, asked: null } }
    expect(runNoteText(memory, t)).toBe(
      '训练 10 个样本（每个最多 256 个 token），共 16 步，2 个工作线程：空闲内存只够放这么多份模型副本（wasm）'
    )
    expect(runNoteText({ kind: 'resuming', step: 8 }, t)).toBe('从第 8 步继续')
  })

  it('words every part of the memory breakdown, with sizes, in both languages', () => {
    const gpt2 = parseGpt2Config(
      { n_layer: 12, n_embd: 768, n_head: 12, n_positions: 1024, vocab_size: 50257 },
      'gpt2'
    )
    const lora = {
      r: 16,
      alpha: 32,
      targetModules: ['attn.c_attn', 'attn.c_proj'],
      dropout: 0.1,
      rsLora: false
    }
    const plain = estimateTrainingMemory(gpt2, { batchSize: 2, seqLength: 256, lora, workers: 2 })
    const ckpt = estimateTrainingMemory(gpt2, {
      batchSize: 2,
      seqLength: 256,
      lora,
      gradientCheckpointing: true,
      runtimeBytes: 200 * 2 ** 20,
      backend: 'cpu',
      workers: 2
    })
    const chat = estimateInferenceMemory(gpt2, { backend: 'wasm', lora })
    const parts = [...plain.components, ...ckpt.components, ...chat.components]
    // Each variant of the details (plain and checkpointed, wasm and cpu workers, typical and measured
    // runtime, and chatting's parts).
    expect(new Set(parts.map((p) => p.facts?.key)).size).toBe(25)
    const activations = plain.components.find((p) => p.key === 'activations')!
    expect(memoryDetail(activations, t, 'en')).toBe(
      '12 layers × 256 tokens × ~13,056 floats, plus LoRA inputs'
    )
    const workers = plain.components.find((p) => p.key === 'workerCopies')!
    expect(memoryDetail(workers, t, 'en')).toBe(
      'further worker threads: 1 × 2.4 GiB (own runtime 66 MiB, weights and step tensors 1.4 GiB for its share of the batch (1), packed weights; each wasm instance has its own heap)'
    )
    i18n.global.locale.value = 'zh-CN'
    const frozen = plain.components.find((p) => p.key === 'frozenWeights')!
    expect(memoryDetail(frozen, t, 'zh-CN')).toBe('124,439,808 个参数 × 4 字节（float32）')
    const runtime = ckpt.components.find((p) => p.key === 'runtime')!
    expect(memoryDetail(runtime, t, 'zh-CN')).toBe(
      'Node、V8、tfjs 及其后端在加载模型前的占用（200 MiB，本进程实测），以及各步的 JavaScript 堆（16 MiB）'
    )
    for (const part of parts) {
      const text = memoryDetail(part, t, 'zh-CN')
      expect(text, part.key).not.toMatch(/[{}]/)
      expect(text, part.key).toMatch(/[\u4e00-\u9fff]/)
    }
  })
})
