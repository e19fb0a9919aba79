// The chats and chat_messages tables: a conversation with a model (optionally a run's adapter at a
// checkpoint), its prompt template and generation options, and its messages in order.
import type { SqliteDatabase } from './database'
import { nowIso } from './database'
import { fromJsonOrNull, toJson } from './json-column'

export type ChatRole = 'system' | 'user' | 'assistant'

export interface NewChat {
  title: string
  modelId?: number | null
  runId?: number | null
  checkpointStep?: number | null
  /** The model folder when it is not a registered model. */
  modelPath?: string | null
  /** The adapter folder when it is not a run's. */
  adapterPath?: string | null
  template?: unknown
  options?: unknown
}

export interface StoredChat {
  id: number
  title: string
  modelId: number | null
  runId: number | null
  checkpointStep: number | null
  modelPath: string | null
  adapterPath: string | null
  template: unknown
  options: unknown
  createdAt: string
  updatedAt: string
}

export interface ChatUpdate {
  title?: string
  modelId?: number | null
  runId?: number | null
  checkpointStep?: number | null
  template?: unknown
  options?: unknown
}

export interface StoredChatMessage {
  id: number
  chatId: number
  role: ChatRole
  content: string
  /** Token counts, timing, stop reason… as the chat service records them. */
  meta: unknown
  createdAt: string
}

interface ChatRow {
  id: number
  title: string
  model_id: number | null
  run_id: number | null
  checkpoint_step: number | null
  model_path: string | null
  adapter_path: string | null
  template_json: string | null
  options_json: string | null
  created_at: string
  updated_at: string
}

interface MessageRow {
  id: number
  chat_id: number
  role: ChatRole
  content: string
  meta_json: string | null
  created_at: string
}

function toChat(row: ChatRow): StoredChat {
  return {
    id: row.id,
    title: row.title,
    modelId: row.model_id,
    runId: row.run_id,
    checkpointStep: row.checkpoint_step,
    modelPath: row.model_path,
    adapterPath: row.adapter_path,
    template: fromJsonOrNull(row.template_json, `chats id ${row.id} template_json`),
    options: fromJsonOrNull(row.options_json, `chats id ${row.id} options_json`),
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

function toMessage(row: MessageRow): StoredChatMessage {
  return {
    id: row.id,
    chatId: row.chat_id,
    role: row.role,
    content: row.content,
    meta: fromJsonOrNull(row.meta_json, `chat_messages id ${row.id} meta_json`),
    createdAt: row.created_at
  }
}

const jsonOrNull = (value: unknown) => (value === undefined || value === null ? null : toJson(value))

export interface ChatsRepository {
  create(chat: NewChat): StoredChat
  get(id: number): StoredChat | null
  /** Most recently updated first. */
  list(): StoredChat[]
  update(id: number, update: ChatUpdate): StoredChat
  delete(id: number): boolean
  addMessage(chatId: number, role: ChatRole, content: string, meta?: unknown): StoredChatMessage
  updateMessage(id: number, content: string, meta?: unknown): StoredChatMessage
  messages(chatId: number): StoredChatMessage[]
  deleteMessage(id: number): boolean
}

export function createChatsRepository(db: SqliteDatabase): ChatsRepository {
  const insert = db.prepare(
    `insert into chats (title, model_id, run_id, checkpoint_step, model_path, adapter_path, template_json, options_json, created_at, updated_at)
     values (@title, @modelId, @runId, @checkpointStep, @modelPath, @adapterPath, @template, @options, @at, @at)`
  )
  const byId = db.prepare<[number], ChatRow>('select * from chats where id = ?')
  const all = db.prepare<[], ChatRow>('select * from chats order by updated_at desc, id desc')
  const remove = db.prepare<[number]>('delete from chats where id = ?')
  const touch = db.prepare<[string, number]>('update chats set updated_at = ? where id = ?')
  const insertMessage = db.prepare<[number, ChatRole, string, string | null, string]>(
    'insert into chat_messages (chat_id, role, content, meta_json, created_at) values (?, ?, ?, ?, ?)'
  )
  const setMessage = db.prepare<[string, string | null, number]>(
    'update chat_messages set content = ?, meta_json = coalesce(?, meta_json) where id = ?'
  )
  const messageById = db.prepare<[number], MessageRow>('select * from chat_messages where id = ?')
  const messagesOf = db.prepare<[number], MessageRow>(
    'select * from chat_messages where chat_id = ? order by id'
  )
  const removeMessage = db.prepare<[number]>('delete from chat_messages where id = ?')

  function get(id: number): StoredChat | null {
    const row = byId.get(id)
    return row ? toChat(row) : null
  }

  const addMessage = db.transaction((chatId: number, role: ChatRole, content: string, meta: unknown) => {
    const at = nowIso()
    const info = insertMessage.run(chatId, role, content, jsonOrNull(meta), at)
    touch.run(at, chatId)
    return toMessage(messageById.get(Number(info.lastInsertRowid)) as MessageRow)
  })

  return {
    create(chat) {
      const info = insert.run({
        title: chat.title,
        modelId: chat.modelId ?? null,
        runId: chat.runId ?? null,
        checkpointStep: chat.checkpointStep ?? null,
        modelPath: chat.modelPath ?? null,
        adapterPath: chat.adapterPath ?? null,
        template: jsonOrNull(chat.template),
        options: jsonOrNull(chat.options),
        at: nowIso()
      })
      return get(Number(info.lastInsertRowid)) as StoredChat
    },
    get,
    list() {
      return all.all().map(toChat)
    },
    update(id, update) {
      const current = get(id)
      if (!current) throw new Error(`Chat ${id} does not exist`)
      const next = {
        ...current,
        ...Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined))
      }
      db.prepare(
        `update chats set title = ?, model_id = ?, run_id = ?, checkpoint_step = ?, template_json = ?,
           options_json = ?, updated_at = ? where id = ?`
      ).run(
        next.title,
        next.modelId,
        next.runId,
        next.checkpointStep,
        jsonOrNull(next.template),
        jsonOrNull(next.options),
        nowIso(),
        id
      )
      return get(id) as StoredChat
    },
    delete(id) {
      return remove.run(id).changes > 0
    },
    addMessage: (chatId, role, content, meta) => addMessage(chatId, role, content, meta),
    updateMessage(id, content, meta) {
      setMessage.run(content, jsonOrNull(meta), id)
      const row = messageById.get(id)
      if (!row) throw new Error(`Chat message ${id} does not exist`)
      return toMessage(row)
    },
    messages(chatId) {
      return messagesOf.all(chatId).map(toMessage)
    },
    deleteMessage(id) {
      return removeMessage.run(id).changes > 0
    }
  }
}
