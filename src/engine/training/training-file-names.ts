// The names of the files a checkpoint and a PEFT adapter folder hold, in a module without TensorFlow.js,
// so main can check a checkpoint's files (before a resume) without loading the engine's math.
export const ADAPTER_CONFIG_FILE = 'adapter_config.json'
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors'
export const OPTIMIZER_FILE = 'optimizer.safetensors'
export const TRAINER_STATE_FILE = 'trainer_state.json'
/** The adapter's sub-folder inside a checkpoint folder. */
export const CHECKPOINT_ADAPTER_DIR = 'adapter'
