// Simplified Chinese UI text, key for key the same as en.ts (the type enforces it).
import type { MessageSchema } from './en'

const zhCN: MessageSchema = {
  app: {
    name: 'LoRA Studio',
    tagline: '本地 LoRA 微调',
    skipToContent: '跳到正文'
  },
  nav: {
    label: '主导航',
    datasets: '数据集',
    train: '训练',
    runs: '训练记录',
    chat: '对话',
    models: '模型',
    settings: '设置'
  },
  common: {
    loading: '加载中…',
    retry: '重试',
    refresh: '刷新',
    notAvailable: '不可用',
    firstStep: '第一步：'
  },
  connection: {
    connecting: '正在连接 LoRA Studio 服务…',
    reconnecting: '与 LoRA Studio 服务的连接已断开，正在重新连接…（`npm run serve` 是否仍在运行？）'
  },
  errors: {
    loadFailed: '无法加载此页面：{message}'
  },
  engine: {
    line: '计算引擎：{state}',
    label: '计算引擎',
    starting: '正在启动',
    ready: '就绪',
    crashed: '已崩溃',
    stopped: '已停止',
    unknown: '尚未启动'
  },
  datasets: {
    title: '数据集',
    subtitle: '你自己的文本和指令数据，可直接用于训练。',
    emptyTitle: '还没有数据集',
    emptyBody:
      '数据集可以是你写的文字——博客文章、逆向分析笔记、漏洞报告，中文或英文皆可——也可以是 JSONL 或 CSV 格式的指令数据。导入文件或文件夹后，LoRA Studio 会识别格式，标出每条样本中参与训练的 token，并划分出评估集。',
    firstStep: '你将在这里导入数据集。如果还没有基础模型，请先在“模型”中添加一个。',
    action: '前往模型'
  },
  train: {
    title: '训练',
    subtitle: '用 LoRA 在数据集上微调基础模型。',
    emptyTitle: '暂时无法训练',
    emptyBody:
      '一次训练需要一个基础模型和一个数据集。你将在这里选择它们，设置 LoRA 的秩（r）、alpha、dropout 和目标模块（例如 attn.c_attn 与 attn.c_proj），查看可训练参数量和所需内存，然后开始训练。',
    firstStep: '先在“模型”中添加基础模型，并在“数据集”中导入数据。',
    actionModels: '前往模型',
    actionDatasets: '前往数据集'
  },
  runs: {
    title: '训练记录',
    subtitle: '每次训练的配置、损失曲线和检查点。',
    emptyTitle: '还没有训练记录',
    emptyBody:
      '每次训练都会连同完整配置、记录下的每个损失值、检查点和所用后端一起保存在这里——你可以继续中断的训练、导出适配器，或把 r = 8 与 r = 16 的曲线叠在一起比较。',
    firstStep: '从“训练”开始你的第一次训练。',
    action: '前往训练'
  },
  chat: {
    title: '对话',
    subtitle: '用你自己的提示词试用模型、适配器或检查点。',
    emptyTitle: '还没有可以对话的模型',
    emptyBody:
      '选择一个基础模型；训练完成后，还可以选择它的适配器或检查点。你可以把多个模型并排放置——例如基础模型和微调后的模型——用相同的提示词和随机种子作答。',
    firstStep: '先在“模型”中添加基础模型；训练完成后，适配器会出现在这里。',
    action: '前往模型',
    mode: '模式',
    modeChat: '对话',
    modeCompare: '对比',
    history: '对话记录',
    newChat: '新对话',
    noChats: '还没有保存的对话。',
    setup: '由谁回答',
    compareTargets: '并排对比',
    target: '模型和适配器',
    targetN: '回答 {n}',
    model: '基础模型',
    runBaseModel: '训练任务的基础模型',
    adapter: '适配器',
    adapterNone: '无（基础模型）',
    adapterRun: '来自训练任务',
    adapterPath: '适配器文件夹',
    run: '训练任务',
    pickRun: '选择训练任务',
    checkpoint: '权重',
    finalAdapter: '最终适配器',
    stepN: '第 {step} 步的检查点',
    adapterFolder: 'PEFT 适配器或检查点文件夹',
    adapterFolderHint: '/path/to/adapter',
    addTarget: '再添加一个',
    removeTarget: '移除',
    template: '提示词模板',
    templateAuto: '与适配器训练时相同',
    templateNames: {
      'human-assistant': 'Human / Assistant',
      alpaca: 'Alpaca',
      chatml: 'ChatML',
      raw: '纯续写',
      custom: '自定义'
    },
    startChat: '开始对话',
    sampling: '采样设置',
    temperature: '温度（0 = 贪心）',
    topK: 'Top-k（0 = 关闭）',
    topP: 'Top-p（1 = 关闭）',
    repetitionPenalty: '重复惩罚（1 = 关闭）',
    maxNewTokens: '最多生成的 token 数',
    seed: '随机种子',
    doSample: '采样（关闭则为贪心）',
    stopSequences: '停止序列（每行一个，换行写作 \\n）',
    stopHint: '例如 ###',
    samplingHelp: '相同的种子、设置和提示词会得到相同的回答。对话也会在模板开始下一轮的地方停止。',
    rename: '重命名',
    save: '保存',
    delete: '删除',
    deleteConfirm: '删除对话“{title}”及其所有消息？',
    newWithOther: '换个模型…',
    message: '消息',
    messageHint: '输入消息；Ctrl+Enter 发送。',
    send: '发送',
    stop: '停止',
    generating: '生成中… {tokens} 个 token',
    tokensInfo: '{tokens} 个 token，每秒 {speed} 个',
    droppedTurns: '为适应上下文长度，省略了最早的 {count} 轮',
    finish: {
      eos: '已完成',
      stop: '遇到停止序列',
      length: '达到 token 上限',
      cancelled: '已停止',
      error: '失败'
    },
    comparePrompt: '提示词',
    compareRun: '并排回答',
    compareHelp: '它们依次用相同的提示词、设置和随机种子（{seed}）作答。'
  },
  models: {
    title: '模型',
    subtitle: '保存在本机的基础模型（Hugging Face 目录格式）。',
    emptyTitle: '还没有模型',
    emptyBody:
      '从 Hugging Face 或镜像站下载 GPT-2 系列模型（gpt2、distilgpt2、gpt2-medium），导入你已有的模型文件夹，或者创建一个微型演示模型，离线试用本应用。',
    firstStep: '在这里添加一个基础模型——其他步骤都从它开始。模型保存在',
    folderUnknown: '数据文件夹（见“设置”）'
  },
  settings: {
    title: '设置',
    subtitle: '偏好设置、计算后端，以及数据的存放位置。',
    appearance: '外观',
    language: '语言',
    languageHelp: '作用于整个界面。',
    theme: '主题',
    themeSystem: '跟随系统',
    themeLight: '浅色',
    themeDark: '深色',
    saveFailed: '无法保存设置：{message}',
    backend: '计算后端',
    backendName: '后端',
    backendReason: '选择原因',
    backendDetails: '详细信息',
    storage: '数据',
    dataFolder: '数据文件夹',
    databaseFile: '数据库文件',
    databaseSize: '数据库大小',
    about: '关于',
    appVersion: 'LoRA Studio 版本',
    mode: '运行方式',
    modeElectron: '桌面应用',
    modeBrowser: '浏览器模式',
    modeCli: '命令行',
    tfjs: 'TensorFlow.js',
    electron: 'Electron',
    chrome: 'Chrome',
    node: 'Node.js',
    sqlite: 'SQLite',
    platform: '平台',
    cpus: 'CPU 核心数',
    memory: '内存',
    notElectron: '未使用（浏览器模式）'
  },
  backends: {
    'tensorflow-gpu': 'TensorFlow + CUDA（GPU）',
    tensorflow: 'TensorFlow 原生（CPU）',
    wasm: 'WebAssembly（CPU）',
    cpu: '纯 JavaScript（CPU，较慢）'
  }
}

export default zhCN
