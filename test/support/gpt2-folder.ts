// The files of a GPT-2 model folder in Hugging Face's layout, as the factory writes it and as a download or
// a folder import must leave it (sorted, to compare with a sorted listing).
export const gpt2FolderFiles = [
  'config.json',
  'merges.txt',
  'model.safetensors',
  'special_tokens_map.json',
  'tokenizer_config.json',
  'vocab.json'
]
