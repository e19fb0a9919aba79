// The Chat page's state: saved chats and the open one, what can answer (models, finished runs and their
// checkpoints), the sampling settings, the answer streaming in (from `chat.token`), and side-by-side
// compare (from `chat.compareToken`); errors are kept as the service's message and field issues. Each
// target is checked when chosen (its base follows the adapter; a misfit is said before Send).
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type {
  ChatDetail,
  ChatSummary,
  CompareResult,
  GenerationSettingsValues,
  TargetCheck
} from '../../shared/chat'
import { defaultGenerationSettings } from '../../shared/chat'
import type { TemplateKind } from '../../shared/datasets'
import { ApiCallError, type FieldIssue } from '../../shared/errors'
import type { ModelSummary } from '../../shared/models'
import type { CheckpointInfo, RunSummary } from '../../shared/runs'
import { api } from '../api'
import { messageOf, useLoader } from './loader'
import { issueText } from '../i18n/issue-text'
import { callFailure } from '../views/field-errors'
import {
  checkable,
  compareDefault as defaultSecond,
  emptyTarget,
  endedColumns,
  followedModel,
  shownUnderAnswer,
  targetInput,
  type CompareColumn,
  type TargetChoice
} from './chat-choices'

export { emptyTarget, targetInput, type CompareColumn, type TargetChoice }

/** The fields the chat page shows an issue under: the sampling settings and the model choices. */
const chatFieldPaths = /^(options\.|adapter|modelId|targets\.)/

export const useChatStore = defineStore('chat', () => {
  const chats = ref<ChatSummary[]>([])
  const current = ref<ChatDetail | null>(null)
  const models = ref<ModelSummary[]>([])
  const runs = ref<RunSummary[]>([])
  const checkpoints = ref<Record<number, CheckpointInfo[]>>({})
  const error = ref<string | null>(null)
  const issues = ref<FieldIssue[]>([])
  const settings = ref<GenerationSettingsValues>({ ...defaultGenerationSettings })
  /** The answer streaming into the open chat: its message id and text so far. */
  const streaming = ref<{ messageId: number | null; text: string; tokens: number } | null>(null)
  const pendingUser = ref<string | null>(null)
  const compareId = ref<string | null>(null)
  const columns = ref<CompareColumn[]>([])
  const compareResult = ref<CompareResult | null>(null)
  /** Per target slot: what it resolves to, or why it cannot answer (null: not checked / nothing chosen). */
  const checks = ref<(TargetCheck | null)[]>([])
  const checkSeq: number[] = []

  /** Each problem once: a field's issue under that field (issueFor), the banner only for the rest. */
  function fail(err: unknown): void {
    error.value = callFailure(err, (path) => chatFieldPaths.test(path)).message
    issues.value = err instanceof ApiCallError ? err.issues : []
  }

  function clearError(): void {
    error.value = null
    issues.value = []
  }

  const { loading, loadError, load } = useLoader(
    () => Promise.all([api.chat.list({}), api.models.list({}), api.runs.list({})]),
    ([c, m, r]) => {
      chats.value = c
      models.value = m
      runs.value = r
    }
  )

  async function loadCheckpoints(runId: number): Promise<void> {
    if (checkpoints.value[runId]) return
    try {
      checkpoints.value = { ...checkpoints.value, [runId]: await api.runs.checkpoints({ id: runId }) }
    } catch (err) {
      fail(err)
    }
  }

  /** Checks slot `index`'s target now; a later check of the same slot wins over an earlier one. */
  async function checkTarget(index: number, choice: TargetChoice): Promise<TargetCheck | null> {
    const seq = (checkSeq[index] = (checkSeq[index] ?? 0) + 1)
    let result: TargetCheck | null = null
    if (checkable(choice)) {
      try {
        result = await api.chat.check(targetInput(choice))
      } catch (err) {
        result = { target: null, problem: messageOf(err) }
      }
    }
    if (checkSeq[index] === seq) {
      const next = [...checks.value]
      next[index] = result
      checks.value = next
    }
    return result
  }

  /** After an adapter is chosen: the base model becomes the adapter's own (the run's, or its folder's). */
  async function followAdapter(index: number, choice: TargetChoice): Promise<void> {
    if (choice.adapterKind === 'none') return
    choice.modelId = null
    choice.modelId = followedModel(choice, await checkTarget(index, choice))
  }

  /** Compare's second slot: the first one's base without its adapter, or the latest run's adapter beside a bare base. */
  function compareDefault(first: TargetChoice): TargetChoice {
    return defaultSecond(first, checks.value[0] ?? null, runs.value, models.value)
  }

  async function open(id: number): Promise<void> {
    clearError()
    try {
      current.value = await api.chat.get({ id })
      settings.value = { ...current.value.options }
    } catch (err) {
      fail(err)
    }
  }

  async function create(choice: TargetChoice, template: TemplateKind | 'auto'): Promise<boolean> {
    clearError()
    try {
      const chat = await api.chat.create({
        ...targetInput(choice),
        ...(template === 'auto' ? {} : { template: { name: template } }),
        options: settings.value
      })
      current.value = chat
      chats.value = [chat, ...chats.value]
      return true
    } catch (err) {
      fail(err)
      return false
    }
  }

  async function send(content: string): Promise<boolean> {
    const chat = current.value
    if (!chat) return false
    clearError()
    pendingUser.value = content
    streaming.value = { messageId: null, text: '', tokens: 0 }
    try {
      await api.chat.send({ chatId: chat.id, content, options: settings.value })
      return true
    } catch (err) {
      fail(err)
      return false
    } finally {
      streaming.value = null
      pendingUser.value = null
      await refresh(chat.id)
      // A failed answer is kept with its error under it: say it there, not a second time above.
      if (shownUnderAnswer(error.value, current.value)) clearError()
    }
  }

  async function refresh(id: number): Promise<void> {
    try {
      const detail = await api.chat.get({ id })
      if (current.value?.id === id) current.value = detail
      chats.value = [detail, ...chats.value.filter((c) => c.id !== id)]
    } catch (err) {
      fail(err)
    }
  }

  async function stop(): Promise<void> {
    if (current.value) await api.chat.cancel({ chatId: current.value.id })
  }

  async function rename(id: number, title: string): Promise<void> {
    clearError()
    try {
      const chat = await api.chat.rename({ id, title })
      chats.value = chats.value.map((c) => (c.id === id ? chat : c))
      if (current.value?.id === id) current.value = { ...current.value, title: chat.title }
    } catch (err) {
      fail(err)
    }
  }

  async function remove(id: number): Promise<void> {
    clearError()
    try {
      await api.chat.delete({ id })
      chats.value = chats.value.filter((c) => c.id !== id)
      if (current.value?.id === id) current.value = null
    } catch (err) {
      fail(err)
    }
  }

  async function compare(prompt: string, choices: TargetChoice[], labels: string[]): Promise<void> {
    clearError()
    const id = `compare-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`
    compareId.value = id
    compareResult.value = null
    columns.value = labels.map((label) => ({ label, text: '', tokens: 0, done: false, error: null }))
    try {
      const result = await api.chat.compare({
        compareId: id,
        prompt,
        targets: choices.map(targetInput),
        options: settings.value
      })
      compareResult.value = result
      columns.value = result.answers.map((a) => ({
        label: a.target.label,
        text: a.text,
        tokens: a.generation.newTokens,
        done: true,
        error: a.generation.error
      }))
    } catch (err) {
      fail(err)
      // No pane keeps saying "Writing…" after the comparison has ended.
      columns.value = endedColumns(columns.value, messageOf(err))
    } finally {
      compareId.value = null
    }
  }

  async function stopCompare(): Promise<void> {
    if (compareId.value) await api.chat.cancel({ compareId: compareId.value })
  }

  /** Subscribes to the streams; returns the function that unsubscribes. */
  function listen(): () => void {
    const offToken = api.on('chat.token', (e) => {
      if (current.value?.id !== e.chatId || !streaming.value) return
      streaming.value = { messageId: e.messageId, text: streaming.value.text + e.delta, tokens: e.tokens }
    })
    const offCompare = api.on('chat.compareToken', (e) => {
      if (e.compareId !== compareId.value) return
      const column = columns.value[e.target]
      if (column) columns.value[e.target] = { ...column, text: column.text + e.delta, tokens: e.tokens }
    })
    return () => {
      offToken()
      offCompare()
    }
  }

  /** The issue of a field (or anything under it) in words, for the line under that field. */
  function issueFor(path: string): string | null {
    const issue = issues.value.find((i) => i.path === path || i.path.startsWith(`${path}.`))
    return issue ? issueText(issue) : null
  }

  /** A settings field the person changed drops its issue. */
  watch(
    () => Object.entries(settings.value).map(([key, value]) => `${key}=${JSON.stringify(value)}`),
    (next, previous) => {
      const changed = next.filter((entry) => !previous.includes(entry)).map((entry) => entry.split('=')[0])
      issues.value = issues.value.filter((i) => !changed.some((key) => i.path.startsWith(`options.${key}`)))
    }
  )

  return {
    chats,
    current,
    models,
    runs,
    checkpoints,
    loading,
    loadError,
    error,
    issues,
    issueFor,
    settings,
    streaming,
    pendingUser,
    compareId,
    columns,
    compareResult,
    checks,
    checkTarget,
    followAdapter,
    compareDefault,
    load,
    loadCheckpoints,
    open,
    create,
    send,
    stop,
    rename,
    remove,
    compare,
    stopCompare,
    listen,
    clearError
  }
})
