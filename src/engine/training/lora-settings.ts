// The run config's LoRA settings (shared with the UI) as the model's LoraConfig, and back: the one
// place where `rsLora` becomes `useRslora` and PEFT's fixed `bias: "none"` is added.
import type { LoraSettingsConfig } from '../../shared/runs'
import type { LoraConfig } from '../model/lora'

export function toLoraConfig(settings: LoraSettingsConfig): LoraConfig {
  return {
    r: settings.r,
    alpha: settings.alpha,
    dropout: settings.dropout,
    targetModules: [...settings.targetModules],
    useRslora: settings.rsLora,
    bias: 'none'
  }
}

export function fromLoraConfig(config: LoraConfig): LoraSettingsConfig {
  return {
    r: config.r,
    alpha: config.alpha,
    dropout: config.dropout,
    targetModules: [...config.targetModules],
    rsLora: config.useRslora
  }
}
