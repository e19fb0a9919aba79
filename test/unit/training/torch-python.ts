// The Python with torch that the PyTorch cross-checks run (tools/pytorch), or undefined where none has it:
// those tests skip then, and only they are listed in test/skip-allowlist.json.
import { execFileSync } from 'node:child_process'

export const torchPython = ['/usr/bin/python3', 'python3'].find((py) => {
  try {
    execFileSync(py, ['-c', 'import torch'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})
