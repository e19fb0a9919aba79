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
    emptyTitle: '还没有可训练的内容',
    emptyBody:
      '一次训练需要一个基础模型和一个数据集。在这里选择它们，设置 LoRA 的秩、alpha、dropout 和目标模块（例如 attn.c_attn 和 attn.c_proj），查看可训练参数量和内存占用，然后开始训练。',
    firstStep: '先在“模型”里创建微型演示模型，并在“数据集”里添加示例数据集，然后回到这里。',
    actionModels: '前往模型',
    actionDatasets: '前往数据集',
    presetsTitle: '从预设开始',
    presetsHelp: '预设会填好下面的所有设置；之后可以修改任意一项。',
    presets: {
      'gpt2-blog-recipe': {
        label: 'GPT-2 博客配方',
        description:
          'LoRA r 16、alpha 32、dropout 0.1，作用于 attn.c_attn + attn.c_proj；1024 词元打包块，1 个轮次，学习率 5e-5 线性衰减。'
      },
      'quick-test': {
        label: '快速测试',
        description: '在短序列上训练 20 步，检查数据、模型和设置能否一起工作。'
      },
      'instruction-tuning': {
        label: '指令微调',
        description:
          'Human/Assistant 模板，提示部分不计损失；LoRA r 16 作用于 attn.c_attn + attn.c_proj，3 个轮次，学习率 2e-4 余弦衰减，3% 预热。'
      }
    },
    clonedFrom: '设置复制自训练',
    cloneName: '{name}（副本）',
    cloneFailed: '无法加载要复制的训练：{message}',
    groups: {
      basics: '模型与数据',
      lora: 'LoRA',
      data: '序列',
      duration: '时长与批次',
      optimizer: '优化器与学习率计划',
      checkpoints: '评估与检查点'
    },
    validation: {
      'dataset-split': '数据集自带的验证集',
      'hold-out': '从训练记录中留出一部分',
      'other-dataset': '另一个数据集'
    },
    schedules: {
      constant: '恒定',
      linear: '线性衰减',
      cosine: '余弦衰减'
    },
    fields: {
      name: {
        label: '训练名称',
        help: '可选；默认由模型、r 和学习率组成。',
        placeholder: '例如：博客文章 r16'
      },
      baseModel: { label: '基础模型', help: '适配器所针对的 GPT-2 系列模型。' },
      dataset: { label: '数据集', help: '训练记录，按导入时选择的模板格式化。' },
      validation: {
        label: '评估数据',
        help: '用来计算评估损失的记录；此数据集的验证集有 {n} 条。'
      },
      holdOutRatio: { label: '留出比例', help: '留作评估的训练记录比例（0–1）。' },
      validationDataset: { label: '评估数据集', help: '使用它的训练记录做评估。' },
      template: { label: '提示模板', help: '随适配器保存，对话时按同样的方式格式化提示。' },
      initAdapter: {
        label: '继续自',
        help: '从已完成训练的适配器开始，而不是全新的 LoRA（即“下一个数据文件”）。',
        fresh: '全新的适配器'
      },
      r: { label: '秩 r', help: '低秩更新的大小；秩越大，可训练参数越多。' },
      alpha: { label: 'Alpha', help: '更新按 alpha / r 缩放（rsLoRA 时为 alpha / √r）。' },
      dropout: { label: 'LoRA dropout', help: '训练时作用于 LoRA 输入的 dropout（0 到小于 1）。' },
      targetModules: {
        label: '目标模块',
        help: '加上适配器的层；通常选注意力层（attn.*），MLP 层会增加更多参数。'
      },
      rsLora: { label: 'rsLoRA 缩放', help: '按 alpha / √r 缩放，高秩时更稳定。' },
      maxLength: { label: '最大长度（词元）', help: '更长的记录会被截断；上限是模型的上下文长度。' },
      packing: { label: '打包记录', help: '把记录拼接成满长度的块，而不是逐条填充。' },
      epochs: { label: '轮次', help: '遍历训练记录的次数（可以是小数）。' },
      maxSteps: {
        label: '最大步数',
        help: '设置后，训练在这么多优化步后停止，不管轮次。',
        empty: '未设置（按轮次）'
      },
      batchSize: { label: '批大小', help: '每次前向计算的记录数；内存随之增长。' },
      gradientAccumulation: {
        label: '梯度累积',
        help: '每个优化步包含的微批次数；有效批大小 = 批大小 × 此值。'
      },
      learningRate: { label: '学习率', help: 'AdamW 的峰值步长，例如 5e-5 或 2e-4。' },
      schedule: { label: '学习率计划', help: '预热之后学习率如何变化。' },
      warmupSteps: { label: '预热步数', help: '从 0 线性预热的步数；大于 0 时优先于比例。' },
      warmupRatio: { label: '预热比例', help: '用于预热的步数占比（预热步数为 0 时使用）。' },
      weightDecay: { label: '权重衰减', help: 'AdamW 对 LoRA 权重的解耦衰减。' },
      maxGradNorm: { label: '最大梯度范数', help: '梯度按全局范数裁剪到此值；0 表示不裁剪。' },
      adamBeta1: { label: 'Adam β1', help: '一阶矩的衰减（0 到小于 1）。' },
      adamBeta2: { label: 'Adam β2', help: '二阶矩的衰减（0 到小于 1）。' },
      adamEpsilon: { label: 'Adam ε', help: '加在分母上以保证数值稳定。' },
      evalEvery: {
        label: '评估间隔',
        help: '两次评估损失之间的步数；留空则只在结束时评估。',
        empty: '仅在结束时'
      },
      saveEvery: { label: '检查点间隔', help: '两个检查点之间的步数，可从检查点恢复或导出。' },
      keepLast: {
        label: '保留最近的检查点',
        help: '更早的步数检查点会被删除（评估损失最好的会保留）；留空则全部保留。',
        empty: '全部保留'
      },
      seed: { label: '随机种子', help: '种子、数据和设置相同，训练就逐步相同。' }
    },
    errors: {
      number: '请输入数字。',
      integer: '请输入整数。',
      atLeast: '不能小于 {min}。',
      above: '必须大于 {min}。',
      atMost: '不能大于 {max}。',
      below: '必须小于 {max}。',
      required: '此项必填。',
      pickOne: '至少选择一项。',
      chooseModel: '请选择基础模型。',
      chooseDataset: '请选择数据集。'
    },
    estimate: {
      title: '开始之前',
      memory: '预计内存：',
      components: '各部分内存',
      note: '训练页面会在此估计旁显示实测的内存峰值。',
      computing: '正在计算估计…',
      updating: '更新中…',
      needChoices: '选择模型和数据集后，这里会显示可训练参数和内存估计。',
      fixErrors: '修正标出的字段后即可看到估计。'
    },
    paramsCount: '{n} 个参数',
    recordsCount: '{n} 条记录',
    fixFields: '有些设置需要修正，已在表单中标出。',
    start: '开始训练',
    starting: '正在开始…',
    reset: '重置表单'
  },
  runs: {
    title: '训练记录',
    subtitle: '每次训练的设置、损失曲线和检查点。',
    emptyTitle: '还没有训练记录',
    emptyBody:
      '每次训练都保存在这里，包括完整配置、每一步的损失和检查点——可以恢复已停止的训练、导出适配器，或把 r = 8 和 r = 16 的曲线叠在一起比较。',
    firstStep: '在“训练”中开始第一次训练（如果还没有模型或数据集，请先创建演示模型并添加示例数据集）。',
    action: '前往训练',
    newRun: '新建训练',
    search: '搜索',
    searchPlaceholder: '名称、模型或数据集',
    filterStatus: '状态',
    allStatuses: '全部状态',
    selectedCount: '已选 {n} 个',
    compareSelected: '比较所选',
    selectRun: '选择 {name} 进行比较',
    tableCaption: '训练记录',
    noMatch: '没有符合搜索和筛选条件的训练。',
    detailsFailed: '部分训练详情加载失败：{message}',
    datasetGone: '数据集 {id}（已删除）',
    yes: '是',
    no: '否',
    cancel: '取消',
    columns: {
      select: '选择',
      id: '编号',
      name: '名称',
      status: '状态',
      model: '模型',
      dataset: '数据集',
      rAlpha: 'r / alpha',
      bestEval: '最佳评估损失',
      finalLoss: '最终损失',
      duration: '时长'
    },
    status: {
      queued: '排队中',
      running: '训练中',
      paused: '已暂停',
      completed: '已完成',
      failed: '失败',
      stopped: '已停止',
      interrupted: '已中断'
    },
    checkpointReason: {
      periodic: '定期',
      best: '最佳评估损失',
      pause: '暂停时',
      stop: '停止时',
      final: '最终'
    },
    charts: {
      step: '步数',
      trainLoss: '训练损失',
      evalLoss: '评估损失',
      learningRate: '学习率',
      gradNorm: '梯度范数',
      exportPng: '保存 PNG',
      noPoints: '等待第一步…',
      noEval: '还没有评估：按设置每 N 步评估一次，或在结束时评估。'
    },
    detail: {
      subtitle: '训练 #{id} · {model} · 创建于 {created}',
      backToRuns: '全部训练',
      badId: '“{id}”不是训练编号。',
      rename: '重命名',
      newName: '新名称',
      save: '保存',
      clone: '复制设置',
      delete: '删除',
      deleteTitle: '删除“{name}”？',
      deleteBody: '这会从磁盘上删除此训练、记录的指标、检查点和适配器，无法撤销。',
      deleteConfirm: '删除训练及文件',
      progress: '进度',
      stepOf: '第 {step} / {total} 步',
      pause: '暂停',
      resume: '继续',
      stop: '停止',
      eta: '剩余时间',
      tokensPerS: '词元/秒',
      elapsed: '训练用时',
      epoch: '轮次',
      lastLoss: '训练损失',
      lastEvalLoss: '评估损失',
      charts: '图表',
      checkpoints: '检查点',
      noCheckpoints: '还没有检查点；每 {every} 步、暂停、停止和结束时都会写入。',
      ckStep: '步数',
      ckReason: '原因',
      ckTrainLoss: '训练损失',
      ckEvalLoss: '评估损失',
      ckCreated: '写入时间',
      ckFolder: '文件夹',
      ckActions: '操作',
      resumeFrom: '从这里继续',
      resumeFromDisabled: '请先暂停或停止训练。',
      adapter: '最终适配器（PEFT 格式）：',
      memory: '内存',
      memoryEstimate: '训练前的估计',
      peakRss: '实测峰值（进程）',
      peakTf: '实测峰值（张量）',
      notMeasured: '尚未测量',
      notes: '备注',
      notesPlaceholder: '尝试了什么、看到了什么…',
      saveNotes: '保存备注',
      notesState: {
        saved: '已保存',
        dirty: '尚未保存',
        saving: '保存中…'
      },
      config: '配置'
    },
    compare: {
      title: '比较训练',
      subtitle: '{n} 次训练：曲线叠加，设置并排。',
      needTwo: '请在训练记录中至少选择两次训练进行比较。',
      curves: '曲线',
      settings: '设置',
      setting: '设置项',
      differencesOnly: '只显示不同项',
      differs: '不同',
      noDifferences: '这些训练的设置相同。'
    }
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
