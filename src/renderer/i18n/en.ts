// English UI text. The Chinese file must have exactly these keys (its type is this object's type);
// service messages (errors, the backend's reason) come from main and are shown as they are.
const en = {
  app: {
    name: 'LoRA Studio',
    tagline: 'Local LoRA fine-tuning',
    skipToContent: 'Skip to content'
  },
  nav: {
    label: 'Main',
    datasets: 'Datasets',
    train: 'Train',
    runs: 'Runs',
    chat: 'Chat',
    models: 'Models',
    settings: 'Settings'
  },
  common: {
    loading: 'Loading…',
    retry: 'Try again',
    refresh: 'Refresh',
    notAvailable: 'Not available',
    firstStep: 'First step:'
  },
  connection: {
    connecting: 'Connecting to the LoRA Studio server…',
    reconnecting:
      'Lost the connection to the LoRA Studio server. Reconnecting… (is `npm run serve` still running?)'
  },
  errors: {
    loadFailed: 'Could not load this page: {message}'
  },
  engine: {
    line: 'Engine: {state}',
    label: 'Engine',
    starting: 'Starting',
    ready: 'Ready',
    crashed: 'Crashed',
    stopped: 'Stopped',
    unknown: 'Not started yet'
  },
  datasets: {
    title: 'Datasets',
    subtitle: 'Your own text and instruction data, ready to train on.',
    emptyTitle: 'No datasets yet',
    emptyBody:
      'A dataset is text you wrote — blog posts, reverse-engineering notes, vulnerability reports, in English or Chinese — or instruction pairs in JSONL or CSV. When you import files or a folder, LoRA Studio detects the format, shows which tokens each sample trains on, and splits off an evaluation set.',
    firstStep: 'You will import a dataset here. If you have no base model yet, add one under Models first.',
    action: 'Go to Models'
  },
  train: {
    title: 'Train',
    subtitle: 'Fine-tune a base model on a dataset with LoRA.',
    emptyTitle: 'Nothing to train yet',
    emptyBody:
      'A training run needs a base model and a dataset. Here you will choose them, set the LoRA rank, alpha, dropout and target modules (for example attn.c_attn and attn.c_proj), see how many parameters are trained and how much memory it takes, and start the run.',
    firstStep: 'Add a base model under Models and import a dataset under Datasets.',
    actionModels: 'Go to Models',
    actionDatasets: 'Go to Datasets'
  },
  runs: {
    title: 'Runs',
    subtitle: 'Every training run with its settings, loss curves and checkpoints.',
    emptyTitle: 'No runs yet',
    emptyBody:
      'Each run is kept here with its full configuration, every logged loss, its checkpoints and the backend it ran on — so you can resume a stopped run, export an adapter, or lay the curves of r = 8 and r = 16 over each other.',
    firstStep: 'Start your first run from Train.',
    action: 'Go to Train'
  },
  chat: {
    title: 'Chat',
    subtitle: 'Try a model, an adapter or a checkpoint on your own prompts.',
    emptyTitle: 'Nothing to chat with yet',
    emptyBody:
      'Pick a base model and, once a run has finished, one of its adapters or checkpoints. You can put several side by side — the base model next to the fine-tuned one — answering the same prompt with the same seed.',
    firstStep: 'Add a base model under Models; adapters appear here when a run finishes.',
    action: 'Go to Models',
    mode: 'Mode',
    modeChat: 'Chat',
    modeCompare: 'Compare',
    history: 'Chats',
    newChat: 'New chat',
    noChats: 'No saved chats yet.',
    setup: 'Who answers',
    compareTargets: 'Side by side',
    target: 'Model and adapter',
    targetN: 'Answer {n}',
    model: 'Base model',
    runBaseModel: 'The run’s base model',
    adapter: 'Adapter',
    adapterNone: 'None (base model)',
    adapterRun: 'From a training run',
    adapterPath: 'Adapter folder',
    run: 'Run',
    pickRun: 'Pick a run',
    checkpoint: 'Weights',
    finalAdapter: 'final adapter',
    stepN: 'checkpoint at step {step}',
    adapterFolder: 'PEFT adapter or checkpoint folder',
    adapterFolderHint: '/path/to/adapter',
    addTarget: 'Add another',
    removeTarget: 'Remove',
    template: 'Prompt template',
    templateAuto: 'As the adapter was trained',
    templateNames: {
      'human-assistant': 'Human / Assistant',
      alpaca: 'Alpaca',
      chatml: 'ChatML',
      raw: 'Raw completion',
      custom: 'Custom'
    },
    startChat: 'Start chat',
    sampling: 'Sampling',
    temperature: 'Temperature (0 = greedy)',
    topK: 'Top-k (0 = off)',
    topP: 'Top-p (1 = off)',
    repetitionPenalty: 'Repetition penalty (1 = off)',
    maxNewTokens: 'Max new tokens',
    seed: 'Seed',
    doSample: 'Sample (off: greedy)',
    stopSequences: 'Stop sequences (one per line, \\n for a newline)',
    stopHint: 'e.g. ###',
    samplingHelp:
      'The same seed, settings and prompt give the same answer. Chat also stops where the template starts the next turn.',
    rename: 'Rename',
    save: 'Save',
    delete: 'Delete',
    deleteConfirm: 'Delete the chat “{title}” and its messages?',
    newWithOther: 'Other model…',
    message: 'Message',
    messageHint: 'Type a message; Ctrl+Enter sends.',
    send: 'Send',
    stop: 'Stop',
    generating: 'Writing… {tokens} tokens',
    tokensInfo: '{tokens} tokens, {speed} tokens/s',
    droppedTurns: '{count} oldest turn(s) left out to fit the context',
    finish: {
      eos: 'finished',
      stop: 'stop sequence',
      length: 'token limit',
      cancelled: 'stopped',
      error: 'failed'
    },
    comparePrompt: 'Prompt',
    compareRun: 'Answer side by side',
    compareHelp: 'Each answers the same prompt with the same settings and seed ({seed}), one after another.'
  },
  models: {
    title: 'Models',
    subtitle: 'Base models stored on this computer, in Hugging Face layout.',
    emptyTitle: 'No models yet',
    emptyBody:
      'Download a GPT-2 family model (gpt2, distilgpt2, gpt2-medium) from Hugging Face or a mirror, import a model folder you already have, or create a tiny demo model to try the app offline.',
    firstStep: 'Add a base model here — every other step starts from one. Models are kept in',
    folderUnknown: 'the data folder (see Settings)'
  },
  settings: {
    title: 'Settings',
    subtitle: 'Preferences, the compute backend, and where your data lives.',
    appearance: 'Appearance',
    language: 'Language',
    languageHelp: 'Applies to the whole interface.',
    theme: 'Theme',
    themeSystem: 'Follow system',
    themeLight: 'Light',
    themeDark: 'Dark',
    saveFailed: 'Could not save the setting: {message}',
    backend: 'Compute backend',
    backendName: 'Backend',
    backendReason: 'Why this backend',
    backendDetails: 'Details',
    storage: 'Data',
    dataFolder: 'Data folder',
    databaseFile: 'Database file',
    databaseSize: 'Database size',
    about: 'About',
    appVersion: 'LoRA Studio version',
    mode: 'Running as',
    modeElectron: 'Desktop app',
    modeBrowser: 'Browser mode',
    modeCli: 'Command line',
    tfjs: 'TensorFlow.js',
    electron: 'Electron',
    chrome: 'Chrome',
    node: 'Node.js',
    sqlite: 'SQLite',
    platform: 'Platform',
    cpus: 'CPU cores',
    memory: 'Memory',
    notElectron: 'Not used (browser mode)'
  },
  backends: {
    'tensorflow-gpu': 'TensorFlow with CUDA (GPU)',
    tensorflow: 'TensorFlow native (CPU)',
    wasm: 'WebAssembly (CPU)',
    cpu: 'Plain JavaScript (CPU, slow)'
  }
}

export type MessageSchema = typeof en
export default en
