// English UI text. The Chinese file must have exactly these keys (its type is this object's type);
// service messages (errors, the backend's reason) come from main and are shown as they are, except
// field issues, which the renderer words itself from their rule (issues.*) and label (fieldLabels.*).
import { fieldLabelsEn, issueWordsEn } from '../../shared/issue-words'

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
    cancel: 'Cancel',
    loading: 'Loading…',
    retry: 'Try again',
    refresh: 'Refresh',
    notAvailable: 'Not available',
    firstStep: 'First step:'
  },
  connection: {
    connecting: 'Connecting to the LoRA Studio server…',
    reconnecting:
      'Lost the connection to the LoRA Studio server. Reconnecting… (is `npm run serve` still running?)',
    lostAnswer:
      'The connection to the LoRA Studio server was lost before it answered. Check that `npm run serve` is still running, then try again.',
    tooLarge:
      'This request is {size} MiB; the LoRA Studio server accepts at most {limit} MiB per request. Shorten the text or choose fewer files.',
    closed: 'The connection was closed.'
  },
  errors: {
    loadFailed: 'Could not load this page: {message}'
  },
  /** A field issue's sentence by its rule (the same words main and the CLI use). */
  issues: issueWordsEn,
  /** Field labels for errors, by field name (shared/issue-words.ts says how a path finds its label). */
  fieldLabels: fieldLabelsEn,
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
    firstStep:
      'Import your own files or a folder, or add the MITRE CWE sample dataset to try the app with real security data.',
    importAction: 'Import dataset',
    delete: 'Delete',
    back: 'Back',
    next: 'Next',
    deleteTitle: 'Delete “{name}”?',
    deleteBody:
      'Its {count} records and statistics are removed from the database. Your original files are not touched. This cannot be undone.',
    formats: {
      text: 'Raw text',
      instruction: 'Instruction',
      chat: 'Chat'
    },
    formatHelp: {
      text: 'Continued pretraining: every token of the text is trained.',
      instruction: 'Instruction, optional input, and answer; only the answer is trained.',
      chat: 'Conversations of user and assistant messages; only the assistant turns are trained.'
    },
    targets: {
      text: 'Text field',
      instruction: 'Instruction field',
      input: 'Input field (optional)',
      output: 'Answer field',
      messages: 'Messages field'
    },
    templates: {
      'human-assistant': 'Human / Assistant (default)',
      alpaca: 'Alpaca',
      chatml: 'ChatML',
      raw: 'Raw completion (prompt then answer)',
      custom: 'Custom',
      model: "The model's own chat template"
    },
    steps: {
      source: 'Files',
      format: 'Format',
      preview: 'Preview',
      validation: 'Validation',
      statistics: 'Statistics',
      save: 'Split and save'
    },
    stepIntro: {
      source: 'Choose the files or folders that hold your data.',
      format: 'Check what LoRA Studio detected, map your fields, and choose how samples are formatted.',
      preview:
        'The first samples exactly as the model will see them, token by token: the prompt is masked (label -100) and only the trained tokens count toward the loss.',
      validation:
        'Every problem found while reading, with its file, line and field. Records with errors, and files that cannot be read at all, are skipped; the rest is saved.',
      statistics:
        'Token counts with the chosen tokenizer: how long the samples are and how many steps an epoch takes.',
      save: 'Name the dataset, hold out a validation set, and import.'
    },
    wizard: {
      title: 'Import a dataset',
      subtitle: 'Files → format → preview → validation → statistics → save.',
      cancel: 'Cancel import',
      steps: 'Import steps',
      stepOf: 'Step {n} of {total}'
    },
    source: {
      label: 'Files or folders',
      placeholder: '/home/me/notes/vulns.jsonl',
      help: 'One path per line. JSONL, JSON, CSV, TSV, TXT, Markdown and Parquet files; folders are read recursively.',
      helpBrowserCommand:
        'Browser mode: type paths on the computer that runs {command}, not on the computer running this browser.',
      helpElectron: 'Type a path on this computer, or browse for files or a folder.',
      browseFiles: 'Browse files…',
      browseFolder: 'Browse folder…',
      inspect: 'Detect format',
      inspecting: 'Reading…',
      required: 'Type the path of at least one file or folder.'
    },
    format: {
      detected: 'Detected format',
      because: 'Why:',
      confidence: '{share} of the sampled records fit',
      files: 'Files read:',
      format: 'Format',
      mapping: 'Field mapping',
      mappingHelp:
        'Which field of your records holds what. The lists show the fields found in the sampled records.',
      choose: 'Choose a field',
      unmapped: '(not used)',
      fieldOption: '{name} ({count}/{total})',
      rawSamples: 'Show the first records as read',
      samplesTitle: 'Samples',
      template: 'Prompt template',
      customTemplate: 'Custom template',
      customTemplateHelp:
        "Use the placeholders {'{'}instruction{'}'}, {'{'}input{'}'} and {'{'}output{'}'} once. Everything before {'{'}output{'}'} is the prompt (masked); the answer and what follows are trained. A line holding only {'{'}input{'}'} is dropped when the input is empty.",
      system: 'System prompt (optional)',
      trainOnPrompt: 'Also train on the prompt tokens (normally they are masked with -100)',
      maxLength: 'Max length (tokens)',
      maxLengthHelp: 'GPT-2 reads at most 1024 tokens.',
      overlong: 'Over-long samples',
      overlongTruncate: 'Truncate them',
      overlongDrop: 'Leave them out',
      textMode: 'How text becomes samples',
      textPack: 'Pack documents into full blocks (no padding)',
      textTruncate: 'One sample per document, truncated',
      textSplit: 'One document split into several samples',
      overlap: 'Overlap between pieces (tokens)',
      tokenizer: 'Count tokens with',
      tokenizerDefault: 'GPT-2 (default)',
      contextUnknown:
        'Not checked against a model’s context: choose the model under “Count tokens with” to check it.',
      contextFits: 'Within {model}’s context ({context} tokens).',
      contextOver:
        '{max} is above {model}’s context ({context} tokens): training on it will need max length {context} or less.',
      dedupe: 'Remove duplicate records',
      preview: 'Preview samples',
      previewing: 'Formatting…'
    },
    mask: {
      counts: '{total} tokens, {trained} trained',
      truncated: 'Truncated',
      legendMasked: 'Prompt token: masked (label -100), not trained',
      legendTrained: 'Trained token: counts toward the loss',
      legendSymbols: 'Each box is one token; ↵ is a newline, ⇥ a tab. Hover a token for its id.',
      legendJoined: 'A small number after a box: that many byte tokens that only make a character together.',
      swatchMasked: 'Human:',
      swatchTrained: 'answer',
      maskedRun: 'Masked prompt tokens:',
      trainedRun: 'Trained tokens:',
      maskedTitle: 'Prompt, masked (label -100) · token id {id}',
      partialCharacter: 'part of a character the tokenizer splits into byte tokens (shown as �)',
      trainedTitle: 'Trained · token id {id}',
      joinedTitle: '{count} tokens that only make text together (a character split into byte pieces)',
      formattedLabel: 'Formatted text, as the model reads it',
      switchTrained: '▶ trained from here',
      switchMasked: '■ masked from here'
    },
    preview: {
      sample: 'Sample {n}',
      scope: 'The preview reads the first {count} records; the import reads them all.',
      none: 'No valid samples among the records read. See the validation report for why.'
    },
    report: {
      filesRead: 'Files read',
      recordsRead: 'Records read',
      recordsValid: 'Valid records',
      recordsSkipped: 'Skipped',
      duplicates: 'Duplicates',
      duplicatesRemoved: '{count} removed',
      truncated: 'Truncated',
      dropped: 'Left out (too long)',
      invalidUtf8Bytes: 'Undecodable bytes',
      noProblems: 'No problems found.',
      caption: 'Problems found in the data',
      severity: 'Severity',
      file: 'File',
      where: 'Where',
      field: 'Field',
      message: 'Problem',
      error: 'Error',
      warning: 'Warning',
      line: 'line {n}',
      row: 'row {n}',
      item: 'item {n}',
      omitted: '…and {count} more problems not listed.'
    },
    stats: {
      records: 'Records',
      samples: 'Samples',
      samplesSplit: '{total} ({train} train, {validation} validation)',
      totalTokens: 'Total tokens',
      trainedTokens: 'Trained tokens',
      meanLength: 'Mean sample length',
      maxLength: 'Longest sample',
      truncatedShare: 'Records cut at the max length ({max})',
      stepsPerEpoch: 'Steps per epoch',
      stepsValue: '{steps} (batch {batch} × accumulation {accumulation})',
      tokensPerCharacter: 'Tokens per character',
      tokensPerCharacterHelp:
        'English prose takes about 0.25 tokens per character on GPT-2. Much more means the tokenizer breaks the text into byte pieces, so each sample holds less text and the model learns it poorly.',
      tokenizer: 'Tokenizer',
      histogram: 'Token lengths of the samples that train (after packing or truncation at {max})',
      histogramLabel: 'Bar chart of how many training samples have each token length',
      histogramX: 'Tokens per sample',
      histogramY: 'Samples',
      savePng: 'Save as PNG',
      batchSize: 'Batch size',
      gradientAccumulation: 'Gradient accumulation',
      recalculate: 'Recalculate'
    },
    save: {
      name: 'Dataset name',
      split: 'Validation set',
      splitRatio: 'Hold out a share of the records',
      splitRatioHelp: 'Chosen at random with the seed, so the same seed gives the same split.',
      validationPercent: 'Validation share (%)',
      seed: 'Seed',
      splitFile: 'Use a separate validation file',
      splitFileHelp: 'Its records become the validation set; all records above are trained on.',
      validationPaths: 'Validation files (one path per line)',
      splitNone: 'No validation set',
      splitNoneHelp: 'Training reports no evaluation loss.',
      strict: 'Stop at the first problem instead of skipping bad records',
      save: 'Import dataset',
      saving: 'Importing…'
    },
    progress: {
      label: 'Import of {name}',
      starting: 'Starting…',
      reading: 'Reading',
      writing: 'Saving',
      done: 'Done',
      failed: 'Failed',
      records: '{count} records'
    },
    list: {
      caption: 'Imported datasets',
      name: 'Name',
      format: 'Format',
      records: 'Records',
      recordsSplit: '{total} ({train} train, {validation} validation)',
      split: '{train} train · {validation} validation',
      tokens: 'Tokens',
      created: 'Created',
      actions: 'Actions',
      deleteNamed: 'Delete {name}',
      imported: 'Imported “{name}”: {count} records.',
      open: 'Open it'
    },
    sample: {
      lead: 'Add sample dataset (MITRE CWE):',
      group: 'Sample datasets',
      instructions: 'Add CWE sample (instructions)',
      corpus: 'Add CWE sample (text corpus)',
      adding: 'Adding…',
      failed: 'Could not add the sample dataset: {message}'
    },
    detail: {
      title: 'Dataset',
      subtitle: 'How it was built, its statistics and its records.',
      back: 'All datasets',
      badId: '“{id}” is not a dataset id. Open a dataset from the list.',
      about: 'About',
      promptLoss: 'Prompt tokens',
      promptMasked: 'Masked (only answers are trained)',
      promptTrained: 'Trained as well',
      textMode: {
        pack: 'Packed into full blocks',
        truncate: 'One sample per document, truncated',
        split: 'Documents split with overlap'
      },
      splitNone: 'None',
      splitRatio: '{share} held out, seed {seed}',
      splitFile: 'From {files}',
      sources: 'Sources',
      records: 'Records',
      report:
        'Validation report: no problems | Validation report: 1 problem | Validation report: {n} problems'
    },
    records: {
      search: 'Search records',
      searchPlaceholder: 'Words in the instruction, input, answer or text',
      split: 'Show',
      splitAll: 'All records',
      splitTrain: 'Training only',
      splitValidation: 'Validation only',
      caption: 'Records of this dataset',
      content: 'Record',
      source: 'Source',
      tokens: 'Tokens',
      trained: '{count} trained',
      train: 'train',
      validation: 'validation',
      showTokens: 'Show tokens',
      hideTokens: 'Hide tokens',
      range: '{from}–{to} of {total}',
      none: 'No records match.',
      previous: 'Previous',
      next: 'Next'
    }
  },
  train: {
    title: 'Train',
    subtitle: 'Fine-tune a base model on a dataset with LoRA.',
    emptyTitle: 'Nothing to train yet',
    emptyBody:
      'A training run needs a base model and a dataset. Here you will choose them, set the LoRA rank, alpha, dropout and target modules (for example attn.c_attn and attn.c_proj), see how many parameters are trained and how much memory it takes, and start the run.',
    firstStep:
      'Create the tiny demo model under Models and add the sample dataset under Datasets first; then come back here.',
    actionModels: 'Go to Models',
    actionDatasets: 'Go to Datasets',
    presetsTitle: 'Start from',
    presetsHelp: 'A preset fills every setting below; change any of them afterwards.',
    presets: {
      'gpt2-blog-recipe': {
        label: 'GPT-2 blog recipe',
        description:
          'LoRA r 16, alpha 32, dropout 0.1 on attn.c_attn + attn.c_proj; 1024-token packed blocks, 1 epoch, lr 5e-5 linear.'
      },
      'quick-test': {
        label: 'Quick test',
        description: '20 steps on short sequences to check that data, model and settings work together.'
      },
      'instruction-tuning': {
        label: 'Instruction tuning',
        description:
          'Human/Assistant template, prompt masked; LoRA r 16 on attn.c_attn + attn.c_proj, 3 epochs, lr 2e-4 cosine, 3% warmup.'
      }
    },
    clonedFrom: 'Settings cloned from run',
    cloneName: '{name} (copy)',
    cloneFailed: 'Could not load the run to clone: {message}',
    continue: {
      final: 'final adapter (step {step})',
      checkpoint: 'checkpoint at step {step}',
      folder: 'A PEFT adapter folder…',
      folderLabel: 'PEFT adapter folder',
      folderPlaceholder: '/path/to/adapter (holds adapter_config.json)',
      useFolder: 'Use this folder',
      fromRun: 'run #{id} {name} at step {step}',
      fromFolder: 'the adapter in {folder}',
      loraFields: 'r {r}, alpha {alpha}, target modules, rsLoRA',
      listJoin: ', ',
      baseModel: 'base model',
      template: 'prompt template',
      locked:
        '{fields} come from {from} and are locked: a run that continues an adapter keeps its shape. Choose “A fresh adapter” to change them.',
      loraLocked:
        'r, alpha, rsLoRA and target modules are locked: they come from the adapter this run continues (see Continue from).',
      openRun: 'Open that run'
    },
    groups: {
      basics: 'Model and data',
      lora: 'LoRA',
      data: 'Sequences',
      duration: 'Duration and batch',
      optimizer: 'Optimizer and schedule',
      checkpoints: 'Evaluation and checkpoints'
    },
    validation: {
      'dataset-split': "The dataset's own validation split",
      'hold-out': 'Hold out a share of the training samples',
      'other-dataset': 'Another dataset'
    },
    schedules: {
      constant: 'Constant',
      linear: 'Linear decay',
      cosine: 'Cosine decay'
    },
    fields: {
      name: {
        label: 'Run name',
        help: 'Optional; by default the model, r and learning rate.',
        placeholder: 'e.g. blog posts r16'
      },
      baseModel: {
        label: 'Base model',
        help: 'The model the adapter is trained for.',
        facts: 'The model the adapter is trained for: {facts}.'
      },
      dataset: { label: 'Dataset', help: 'Training records, formatted with the template chosen at import.' },
      validation: {
        label: 'Evaluation data',
        help: 'Records the eval loss is measured on; this dataset has {n} in its validation split.'
      },
      holdOutRatio: { label: 'Held-out share', help: 'Share of training samples kept for evaluation (0–1).' },
      validationDataset: {
        label: 'Evaluation dataset',
        help: 'Its training records are used for evaluation.'
      },
      template: {
        label: 'Prompt template',
        help: 'Remembered with the adapter so chat formats prompts the same way.',
        none: 'None: raw text is trained as written'
      },
      initAdapter: {
        label: 'Continue from',
        help: 'Start from a finished run’s adapter instead of a fresh LoRA (the next data file).',
        fresh: 'A fresh adapter'
      },
      r: { label: 'Rank r', help: 'Size of the low-rank update; more rank, more trainable parameters.' },
      alpha: { label: 'Alpha', help: 'Scales the update by alpha / r (alpha / √r with rsLoRA).' },
      dropout: { label: 'LoRA dropout', help: 'Dropout on the LoRA input during training (0 to below 1).' },
      targetModules: {
        label: 'Target modules',
        help: 'Layers that get an adapter; attention (attn.*) is the usual choice, MLP layers add more parameters.'
      },
      rsLora: { label: 'rsLoRA scaling', help: 'Scale by alpha / √r, steadier at high ranks.' },
      maxLength: {
        label: 'Max length (tokens)',
        help: 'Longer records are cut; the model’s context is the upper bound.'
      },
      packing: {
        label: 'Pack records',
        help: 'Join records into full-length blocks instead of padding each.'
      },
      epochs: { label: 'Epochs', help: 'Passes over the training samples (fractions allowed).' },
      maxSteps: {
        label: 'Max steps',
        help: 'When set, training stops after this many optimizer steps, whatever the epochs.',
        empty: 'Not set (use epochs)'
      },
      batchSize: { label: 'Batch size', help: 'Records per forward pass; memory grows with it.' },
      gradientAccumulation: {
        label: 'Gradient accumulation',
        help: 'Micro-batches per optimizer step; the effective batch is batch × this.'
      },
      workers: {
        label: 'Workers',
        help: 'Engine workers training in parallel, one per CPU core by default (empty). Each holds its own copy of the model, so memory grows with the count; the losses stay the same.',
        empty: 'Auto (one per CPU core)'
      },
      gradientCheckpointing: {
        label: 'Gradient checkpointing',
        help: 'Recompute each layer (and the output logits) in the backward pass instead of keeping them: long sequences and large batches fit in far less memory, each step does about one more forward pass, so it is slower; the losses stay the same.'
      },
      learningRate: { label: 'Learning rate', help: 'Peak step size of AdamW, e.g. 5e-5 or 2e-4.' },
      schedule: { label: 'Schedule', help: 'How the learning rate changes after warmup.' },
      warmupSteps: {
        label: 'Warmup steps',
        help: 'Steps of linear warmup from 0; wins over the ratio when above 0.'
      },
      warmupRatio: {
        label: 'Warmup ratio',
        help: 'Share of all steps spent warming up (used when warmup steps is 0).'
      },
      weightDecay: { label: 'Weight decay', help: 'AdamW’s decoupled decay on the LoRA weights.' },
      maxGradNorm: {
        label: 'Max grad norm',
        help: 'Gradients are clipped to this global norm; 0 turns clipping off.'
      },
      adamBeta1: { label: 'Adam β1', help: 'Decay of the first moment (0 to below 1).' },
      adamBeta2: { label: 'Adam β2', help: 'Decay of the second moment (0 to below 1).' },
      adamEpsilon: { label: 'Adam ε', help: 'Added to the denominator for stability.' },
      evalEvery: {
        label: 'Evaluate every',
        help: 'Steps between eval-loss measurements; empty evaluates at the end only.',
        empty: 'At the end only'
      },
      saveEvery: {
        label: 'Checkpoint every',
        help: 'Steps between checkpoints you can resume or export from.'
      },
      keepLast: {
        label: 'Keep last checkpoints',
        help: 'Older step checkpoints are deleted (the best by eval loss is kept); empty keeps all.',
        empty: 'Keep all'
      },
      seed: { label: 'Seed', help: 'Same seed, same data and settings: the same run, step for step.' }
    },
    errors: {
      number: 'Enter a number.',
      integer: 'Enter a whole number.',
      atLeast: 'Must be at least {min}.',
      above: 'Must be above {min}.',
      atMost: 'Must be at most {max}.',
      below: 'Must be below {max}.',
      required: 'This is required.',
      pickOne: 'Pick at least one.',
      chooseModel: 'Choose a base model.',
      chooseDataset: 'Choose a dataset.'
    },
    estimate: {
      wasmFit: {
        recompute:
          'A training step needs about {heap} of wasm memory, over its {limit} limit: turn on recomputation (gradient checkpointing) to bring it to about {recomputed}, or use the GPU backend (webgpu).',
        gpu: 'A training step needs about {heap} of wasm memory, over its {limit} limit even with recomputation: use the GPU backend (webgpu), a smaller model or shorter samples.'
      },
      title: 'Before you start',
      memory: 'Estimated memory:',
      components: 'Memory by component',
      tensorMemory: 'of which tensors (the training thread):',
      parts: {
        frozenWeights: 'Frozen weights',
        transposedWeights: 'Transposed weight copies',
        loraWeights: 'LoRA weights',
        loraGradients: 'LoRA gradients',
        adamMoments: 'AdamW moments',
        activations: 'Activations',
        autodiffIntermediates: 'Autodiff intermediates',
        attentionScores: 'Attention scores',
        logits: 'Logits',
        savedProbabilities: 'Saved probabilities',
        backendBuffers: 'Backend buffers (packed weights)',
        runtime: 'Runtime (Node, tfjs, backend)',
        workerCopies: 'Workers’ copies',
        kvCache: 'KV cache (keys and values of every position)'
      },
      details: {
        frozenWeights: '{params} parameters × 4 bytes (float32)',
        transposedWeights: 'every Conv1D matrix and the tied LM head, stored transposed once',
        loraWeights: '{params} trainable parameters ({modules} modules)',
        loraGradients: 'one float32 gradient per trainable parameter',
        adamMoments: 'exp_avg and exp_avg_sq per trainable parameter',
        activations: '{layers} layers × {tokens} tokens × ~{floats} floats, plus LoRA inputs',
        activationsCheckpointed:
          "{layers} block inputs of {tokens} tokens × {width}, plus one block's ~{floats} floats a token (recomputed)",
        attentionScores: 'scores and softmax b·h·t² = {rows}·{heads}·{t}² per layer, {layers} layers',
        attentionScoresCheckpointed:
          'scores and softmax b·h·t² = {rows}·{heads}·{t}² per layer, one layer at a time',
        autodiffIntermediates:
          "{extra}× activations and scores: what tfjs's tape keeps besides them (GELU's intermediates, dropout masks, LayerNorm statistics; measured)",
        autodiffIntermediatesCheckpointed:
          "{extra}× activations and scores: the recomputed block's tape and gradients, alive at once (measured)",
        logits: "{tokens} tokens × {vocab} vocab: one chunk's logits at the peak",
        savedProbabilities: '{tokens} tokens × {vocab} vocab, kept for the backward pass',
        backendBuffers:
          "XNNPACK's packed weights ({factor}× the transposed copies: W, Wᵀ and the LM head both ways; measured) in the training thread's wasm heap",
        runtime:
          "Node, V8, tfjs and its backend before the model loads ({runtimeBytes}, a typical training process), and the steps' JavaScript heap ({heapBytes})",
        runtimeMeasured:
          "Node, V8, tfjs and its backend before the model loads ({runtimeBytes}, this process, measured), and the steps' JavaScript heap ({heapBytes})",
        workerCopies:
          'further worker threads: {workers} × {eachBytes} (own runtime {ownBytes}, weights and step tensors {tensorsBytes} for its share of the batch ({rows}))',
        workerCopiesWasm:
          'further worker threads: {workers} × {eachBytes} (own runtime {ownBytes}, weights and step tensors {tensorsBytes} for its share of the batch ({rows}), packed weights; each wasm instance has its own heap)',
        loraWeightsInference: '{params} adapter parameters',
        kvCache: 'keys and values: 2 × {layers} layers × {t} positions (the context) × {width}',
        activationsInference: 'one layer at a time while a {t}-token prompt is read',
        attentionScoresInference: 'h·t² = {heads}·{t}² for one layer',
        logitsInference: "the last token's {vocab} scores",
        backendBuffersInference:
          "XNNPACK's packed weights: W for x·W and the LM head (the forward pass packs no Wᵀ)",
        runtimeInference: 'Node, V8, tfjs and its backend before the model loads ({runtimeBytes})'
      },
      inference: 'Chatting with the result, at the model’s full context ({context} tokens):',
      inferenceComponents: 'Memory for chatting, by component',
      fragmentation:
        'The {tokenizer} tokenizer needs {ratio} tokens per character of this dataset (English prose takes about 0.25): a {max}-token sample holds only about {characters} characters, and the model learns the language poorly. A model whose vocabulary covers the language will do much better.',
      note: 'Measured peak memory is shown beside this estimate on the run’s page.',
      computing: 'Computing the estimate…',
      updating: 'updating…',
      needChoices: 'Choose a model and a dataset to see the trainable parameters and the memory estimate.',
      fixErrors: 'Fix the marked fields to see the estimate.',
      measure: 'Measure with a dry run',
      measuring: 'Measuring two steps…',
      measureHelp:
        'Runs two real steps on your data (nothing is saved) to time a step and predict the run’s length.',
      stepTime: 'Step time',
      tokensPerS: 'Tokens/s',
      eta: 'Whole run',
      etaValue: 'about {eta} for {steps} steps',
      measuredPeak: 'Peak memory'
    },
    recordsCount: '{n} records',
    fixFields: 'Some settings need fixing; they are marked in the form.',
    start: 'Start training',
    starting: 'Starting…',
    reset: 'Reset the form',
    fit: {
      compareChosen:
        'GPT-2 needs {gpt2} tokens a character on this dataset; {model} needs {ratio} — {factor}× fewer tokens for the same text.',
      compareBetter:
        'GPT-2 needs {gpt2} tokens a character on this dataset; {model} needs {ratio} — {factor}× fewer tokens for the same text. Choose {model} as the base model to fit about {factor}× more of the text in each sample.',
      wasmTitle: 'Models on wasm ({limit} memory)',
      wasmHelp: 'Each registered model with these settings on the wasm backend:',
      wasm: {
        fits: 'fits ({heap})',
        recompute: 'fits with recomputation ({recomputed}): turn on gradient checkpointing',
        gpu: 'too large ({heap}): use the GPU backend (webgpu)'
      }
    },
    context: {
      known: "This model's context: {context} tokens.",
      unknown: "The model's context is not known yet.",
      over: "{n} is longer than the model's context (n_positions {context}); set it to {context} or less",
      fitted: "Max length {from} → {to}, the model's context."
    }
  },
  runs: {
    progressLine: {
      started: 'training {samples} samples of up to {maxLength} tokens, {steps} steps, {workersWhy}',
      startedWithEvaluation:
        'training {samples} samples of up to {maxLength} tokens (+ {validationSamples} samples to evaluate on), {steps} steps, {workersWhy}',
      workerCount: '{n} worker | {n} workers',
      workersAsked: ' ({n} asked)',
      workersWhy: {
        gpu: '{workers}{asked}: {backend} computes on one GPU device',
        threadsItself: '{workers}{asked}: tfjs-node uses every core by itself',
        asked: '{workers} as asked',
        rows: '{workers}{asked}: no more than the rows of a step',
        cores: '{workers}: one per core on {backend}',
        memory: '{workers}: as many model copies as free memory holds, on {backend}'
      },
      resuming: 'resuming from step {step}',
      restarting: 'restarting from the start (no checkpoint)'
    },
    title: 'Runs',
    subtitle: 'Every training run with its settings, loss curves and checkpoints.',
    emptyTitle: 'No runs yet',
    emptyBody:
      'Each run is kept here with its full configuration, every logged loss and its checkpoints — so you can resume a stopped run, export an adapter, or lay the curves of r = 8 and r = 16 over each other.',
    firstStep:
      'Start your first run from Train (with no model or dataset yet, create the demo model and add the sample dataset first).',
    action: 'Go to Train',
    newRun: 'New run',
    search: 'Search',
    searchPlaceholder: 'Name, model or dataset',
    filterStatus: 'Status',
    allStatuses: 'All statuses',
    selectedCount: '{n} selected',
    compareSelected: 'Compare selected',
    selectRun: 'Select {name} to compare',
    tableCaption: 'Training runs',
    noMatch: 'No run matches the search and filter.',
    detailsFailed: 'Some run details could not be loaded: {message}',
    folderMissing: 'folder missing',
    folderMissingHint:
      "This run's folder (data, checkpoints, adapter) is gone from the data folder, so it cannot be resumed or exported; its history stays here.",
    datasetGone: 'dataset {id} (deleted)',
    yes: 'Yes',
    no: 'No',
    cancel: 'Cancel',
    columns: {
      select: 'Select',
      id: 'ID',
      name: 'Name',
      status: 'Status',
      model: 'Model',
      dataset: 'Dataset',
      rAlpha: 'r / alpha',
      bestEval: 'Best eval loss',
      finalLoss: 'Final loss',
      duration: 'Duration',
      backend: 'Backend',
      continuedFrom: 'Continued from'
    },
    status: {
      queued: 'Queued',
      running: 'Running',
      paused: 'Paused',
      completed: 'Completed',
      failed: 'Failed',
      stopped: 'Stopped',
      interrupted: 'Interrupted'
    },
    checkpointReason: {
      periodic: 'Periodic',
      best: 'Best eval loss',
      pause: 'On pause',
      stop: 'On stop',
      final: 'Final'
    },
    charts: {
      step: 'Step',
      trainLoss: 'Train loss',
      evalLoss: 'Eval loss',
      learningRate: 'Learning rate',
      gradNorm: 'Gradient norm',
      exportPng: 'Save PNG',
      noPoints: 'Waiting for the first step…',
      noEval: 'No evaluation yet: it runs every N steps as set, or at the end.'
    },
    detail: {
      subtitle: 'Run #{id} · {model} · created {created}',
      backToRuns: 'All runs',
      badId: '“{id}” is not a run id.',
      rename: 'Rename',
      newName: 'New name',
      save: 'Save',
      clone: 'Clone settings',
      delete: 'Delete',
      deleteTitle: 'Delete “{name}”?',
      deleteBody:
        'This removes the run, its logged metrics, its checkpoints and its adapter from the disk. It cannot be undone.',
      deleteConfirm: 'Delete run and files',
      progress: 'Progress',
      stepOf: 'Step {step} of {total}',
      pause: 'Pause',
      resume: 'Resume',
      stop: 'Stop',
      eta: 'Time left',
      tokensPerS: 'Tokens/s',
      elapsed: 'Training time',
      epoch: 'Epoch',
      lastLoss: 'Train loss',
      lastEvalLoss: 'Eval loss',
      charts: 'Charts',
      checkpoints: 'Checkpoints',
      noCheckpoints:
        'No checkpoint yet; one is written every {every} steps, on pause, on stop and at the end.',
      ckStep: 'Step',
      ckReason: 'Why',
      ckTrainLoss: 'Train loss',
      ckEvalLoss: 'Eval loss',
      ckCreated: 'Written',
      ckFolder: 'Folder',
      ckActions: 'Actions',
      resumeFrom: 'Resume from here',
      continueFrom: 'Continue from here',
      continueFromTitle: 'Start a new run that continues training this adapter (on other data)',
      continuedFrom: 'Continued from',
      atStep: 'at step {step}',
      continuedBy: 'Continued by',
      resumeFromDisabled: 'Pause or stop the run first.',
      adapter: 'Final adapter (PEFT format):',
      export: 'Export…',
      exportFinal: 'Export the final adapter…',
      exportTitle: 'Export the adapter of step {step}',
      exportFinalTitle: 'Export the final adapter',
      exportFormat: 'Format',
      exportPeft: 'PEFT adapter folder (loads with PeftModel.from_pretrained)',
      exportMerged: 'Merged model (a plain Hugging Face folder for transformers)',
      exportFolder: 'Folder',
      exportFolderHelp:
        'An absolute path on the computer running LoRA Studio: a new or empty folder (created if missing), or an earlier export to replace.',
      exportReplaceTitle: 'Replace the earlier export?',
      exportReplaceBody:
        '{dir} holds an earlier export of LoRA Studio. Its files are replaced by this export; nothing else is touched.',
      exportReplace: 'Replace',
      exportStart: 'Export',
      exporting: 'Exporting…',
      exported: 'Written to {dir}',
      exportRegister: 'Add it to Models, to chat with and train from',
      exportedModel: ' and added to Models as "{name}".',
      memory: 'Memory',
      memoryEstimate: 'Estimated before the run',
      peakRss: 'Measured peak (process)',
      peakTf: 'Measured peak (tensors)',
      notMeasured: 'Not measured yet',
      notes: 'Notes',
      notesPlaceholder: 'What you tried, what you saw…',
      saveNotes: 'Save notes',
      notesState: {
        saved: 'Saved',
        dirty: 'Not saved yet',
        saving: 'Saving…'
      },
      config: 'Configuration'
    },
    compare: {
      title: 'Compare runs',
      subtitle: '{n} runs: curves laid over each other and settings side by side.',
      needTwo: 'Pick at least two runs in the history to compare them.',
      curves: 'Curves',
      settings: 'Settings',
      setting: 'Setting',
      differencesOnly: 'Show differences only',
      differs: 'differs',
      noDifferences: 'These runs have the same settings.',
      asChain: 'As one chain',
      asChainHelp: 'Each continued run starts on the step axis where its parent was when it was continued.'
    }
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
    adapterBaseModel: 'The adapter’s base model',
    answersWith: 'Answers with {label}',
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
      custom: 'Custom',
      model: "The model's own"
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
    memory:
      'Chatting with it needs about {total} on {backend} at a {context}-token prompt: weights {weights}, KV cache {kv}, the rest runtime and working memory.',
    choice: { parameters: '{n} parameters', context: '{n} context', tokensPerChar: '{n} tokens/char' },
    title: 'Models',
    subtitle: 'Base models stored on this computer, in Hugging Face layout.',
    emptyTitle: 'No models yet',
    emptyBody:
      'Download a GPT-2 family model (gpt2, distilgpt2, gpt2-medium) from Hugging Face or a mirror, import a model folder you already have, or create a tiny demo model to try the app offline.',
    firstStep: 'Add a base model here — every other step starts from one. Models are kept in',
    folderUnknown: 'the data folder (see Settings)',
    refreshing: 'Loading models…',
    loadFailed: 'Could not load the models: {message}',
    add: {
      title: 'Add a model',
      demoTitle: 'Tiny demo model',
      demoHelp:
        'A randomly initialised GPT-2 with the real GPT-2 tokenizer, made on this computer without a download. It writes nonsense, but trains in seconds — ideal for trying every step of the app.',
      demoSize: 'Size',
      sizeTinyName: 'Tiny — 2 layers × 64 wide',
      sizeTinyDetail: '3.3 M parameters, about 14 MiB on disk',
      sizeSmallTestName: 'Small — 4 layers × 128 wide',
      sizeSmallTestDetail: '7.3 M parameters, about 30 MiB on disk',
      sizeTiny: 'Tiny — 2 layers × 64 wide (3.3 M parameters, 15 MB)',
      sizeSmallTest: 'Small — 4 layers × 128 wide (7.3 M parameters, 30 MB)',
      demoAction: 'Create demo model',
      creating: 'Creating…',
      hubTitle: 'Download from Hugging Face',
      hubHelp:
        'A GPT-2 family repository with model.safetensors, e.g. gpt2 (124 M parameters, 550 MB), distilgpt2 (82 M) or gpt2-medium (355 M). Interrupted downloads resume; every file is checked against the Hub’s sha256.',
      repoId: 'Repository id',
      revision: 'Revision',
      endpoint: 'Endpoint',
      endpointHelp:
        'Leave empty for HF_ENDPOINT or https://huggingface.co; use a mirror’s address here. Gated models need HF_TOKEN set before the app starts.',
      downloadAction: 'Download',
      downloading: 'Downloading…',
      importTitle: 'Import a folder',
      importHelp:
        'A folder saved by transformers’ save_pretrained: config.json, model.safetensors and the tokenizer files. The files are copied into the data folder.',
      path: 'Folder path',
      pathPlaceholder: '/home/me/models/my-gpt2',
      name: 'Name (optional)',
      importAction: 'Import',
      importing: 'Importing…',
      added: 'Added {name}.'
    },
    progress: {
      label: 'Download of {repoId}',
      file: 'File {index} of {count}: {file}',
      bytes: '{done} of {total}',
      bytesUnknown: '{done}',
      speed: '{speed}/s',
      starting: 'Looking up the files…',
      verifying: 'Checking sha256…',
      completed: 'Done',
      failed: 'Failed',
      cancelled: 'Cancelled — download again to resume',
      cancel: 'Cancel',
      dismiss: 'Dismiss'
    },
    list: {
      caption: 'Models on this computer',
      name: 'Name',
      parameters: 'Parameters',
      architecture: 'Architecture',
      family: '{family} · weights {dtype} · {kv} key/value heads',
      shape: '{layers} layers × {width}, {heads} heads',
      vocabContext: 'vocabulary {vocab} · context {context}',
      size: 'Size on disk',
      tokenizer: 'Tokenizer',
      tokenizerYes: 'Yes',
      tokenizerNo: 'Missing — GPT-2’s is used',
      created: 'Added',
      actions: 'Actions',
      delete: 'Delete',
      deleteNamed: 'Delete {name}'
    },
    sources: {
      demo: 'Demo',
      imported: 'Imported',
      hub: 'Hugging Face',
      merged: 'Merged',
      local: 'Local'
    },
    confirmDelete: {
      title: 'Delete {name}?',
      body: 'This removes the model and its folder {path} from this computer. Runs that used it keep their history, but cannot be resumed until the model is back.',
      confirm: 'Delete model',
      cancel: 'Cancel',
      deleting: 'Deleting…'
    }
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
    gpuAdapter: 'GPU adapter',
    gpuSoftware: 'software emulation, slower than wasm',
    gpuSoftwareShort: 'software',
    gpuHardware: 'hardware GPU',
    gpuLimits: 'Largest tensor {binding}, largest buffer {buffer}',
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
    notElectron: 'Not used (browser mode)',
    backups: {
      title: 'Backups',
      help: 'A copy of the database is made at start and after each run that ends; the newest {keep} are kept in {dir}.',
      none: 'No backups yet.',
      restore: 'Restore…',
      pending: 'Will be restored at the next start',
      cancelPending: 'Cancel restore',
      pendingNotice:
        '{file} will replace the database when LoRA Studio next starts. Restart LoRA Studio (quit the app, or stop and start lora-studio serve) to finish.',
      lastRestoreOk: 'Restored at this start: {message}',
      lastRestoreFailed: 'The restore chosen before this start was not done: {message}',
      confirmTitle: 'Restore the backup of {date}?',
      confirmBody:
        'The database will be replaced by this backup when LoRA Studio next starts; runs, datasets and chats changed since then will be as they were at that time. The current database file is kept beside it, not deleted.',
      confirm: 'Restore at next start',
      failed: 'Could not load or change the backups: {message}'
    }
  },
  backends: {
    'tensorflow-gpu': 'TensorFlow with CUDA (GPU)',
    webgpu: 'WebGPU (GPU)',
    tensorflow: 'TensorFlow native (CPU)',
    wasm: 'WebAssembly (CPU)',
    cpu: 'Plain JavaScript (CPU, slow)'
  },
  queues: {
    title: 'Queues: datasets trained in sequence',
    progress: 'run {n} of {total}',
    pause: 'Pause queue',
    resume: 'Resume queue',
    stop: 'Stop queue',
    runLink: 'run #{id}',
    status: {
      pending: 'Not started'
    },
    form: {
      toggle: 'Train on several datasets in sequence',
      help: "One run per dataset, in this order: each run continues from the previous run's final adapter, with the same settings. The runs appear under Runs as a queue you can pause, resume or stop.",
      order: 'Datasets, in training order',
      up: 'Move {name} up',
      down: 'Move {name} down',
      remove: 'Remove {name}',
      add: 'Add a dataset…',
      addButton: 'Add',
      start: 'Start {n} runs in sequence',
      needTwo: 'Choose at least two datasets to train in sequence, or turn the sequence off.',
      adapterNotRun:
        'A sequence continues runs: under “Continue from” choose a finished run, or a fresh adapter.'
    }
  },
  evaluate: {
    title: 'Evaluate',
    intro:
      'How well each adapter models your text: perplexity as Hugging Face computes it — the mean negative log-likelihood of every predicted token (the loss) over sliding windows, and its exponential. Lower is better; compare rows scored on the same text.',
    rows: 'Score',
    base: 'Base model',
    final: 'Final adapter',
    step: 'Checkpoint, step {step}',
    source: 'On',
    dataset: 'A dataset’s validation split',
    datasetOption: '{name} ({count} validation records)',
    noValidation: 'No dataset has a validation split; import one with a validation share, or score a file.',
    file: 'A text file (.txt or .md, on the machine running LoRA Studio)',
    filePlaceholder: '/path/to/notes.md',
    browse: 'Browse…',
    maxLength: 'Window (tokens)',
    maxLengthDefault: 'the model’s context',
    stride: 'Stride (tokens)',
    strideDefault: 'half the window',
    wholeNumber: '{field} must be a whole number of at least 1, or empty for the default.',
    start: 'Evaluate',
    stop: 'Stop',
    loading: 'Loading the model…',
    progress: 'Scoring row {row} of {rows}: {done} of {total} windows',
    validationOf: '{name} — validation split',
    none: 'No evaluations yet.',
    settingsLine: '{windows} windows of up to {maxLength} tokens, stride {stride}, {texts} texts · {created}',
    row: 'Model',
    loss: 'Loss',
    perplexity: 'Perplexity',
    tokens: 'Tokens'
  }
}

export type MessageSchema = typeof en
export default en
