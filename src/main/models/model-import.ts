// Brings a model folder the person already has into the data folder: checks it loads (config.json,
// safetensors weights matching it), then copies only the model's files, whole or not at all.
import { existsSync, statSync } from 'node:fs'
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { ServiceError } from '../../shared/errors'
import { inspectModelFolder, type AnyModelFolderInfo } from '../../engine/formats/model-folder-info'
import { isModelFile } from './model-files'

/** Inspects `dir` as a model folder of a supported family (GPT-2, Llama, Qwen2, Qwen3); every failure names the folder or file and what to do. */
export async function checkModelFolder(dir: string): Promise<AnyModelFolderInfo> {
  const path = resolve(dir)
  let isDir: boolean
  try {
    isDir = statSync(path).isDirectory()
  } catch {
    throw new ServiceError(
      'not_found',
      `There is no folder ${path}; give the path of a model folder (config.json + model.safetensors).`,
      [{ path: 'path', message: 'no such folder' }]
    )
  }
  if (!isDir) {
    throw new ServiceError(
      'invalid_input',
      `${path} is a file; give the folder that holds config.json and model.safetensors.`,
      [{ path: 'path', message: 'not a folder' }]
    )
  }
  let info: AnyModelFolderInfo
  try {
    info = await inspectModelFolder(path)
  } catch (err) {
    throw new ServiceError('invalid_input', `Cannot import ${path}: ${(err as Error).message}`, [
      { path: 'path', message: (err as Error).message }
    ])
  }
  if (info.problem) {
    throw new ServiceError('invalid_input', `Cannot import ${path}: ${info.problem}`, [
      { path: 'path', message: info.problem }
    ])
  }
  return info
}

/** Copies the model files of `source` into `target` (which must not exist) through a hidden temp folder. */
export async function copyModelFolder(source: string, target: string): Promise<void> {
  if (existsSync(target)) {
    throw new ServiceError('conflict', `${target} already exists; choose another name or remove that folder.`)
  }
  const staging = join(dirname(target), `.import-${basename(target)}.${process.pid}.${Date.now()}.tmp`)
  await mkdir(staging, { recursive: true })
  try {
    // Hugging Face's cache keeps snapshot files as symlinks to blobs: copy what they point at.
    for (const name of await readdir(source)) {
      if (isModelFile(name) && statSync(join(source, name)).isFile())
        await copyFile(join(source, name), join(staging, name))
    }
    await rename(staging, target)
  } catch (err) {
    await rm(staging, { recursive: true, force: true })
    throw err
  }
}
