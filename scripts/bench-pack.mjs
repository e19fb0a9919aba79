// `npm run bench:pack [-- --out DIR]`: one self-contained folder that runs the bench on a linux-x64 machine
// with no network and no Node (a lent GPU box): the bench bundled by esbuild, the gradient worker's bundle,
// Dawn's dawn.node for linux-x64, tfjs's wasm binaries, PyTorch's reference scripts (with ref_gpt2.py), and this machine's Node
// binary. Node and Dawn travel xz-compressed; run.sh unpacks them on first use (xz, or python3's lzma).
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(repoRoot, 'package.json'))
const MiB = 2 ** 20
/** What a pack may weigh in all: small enough to carry to a machine with no network. */
const LIMIT_BYTES = 60 * MiB
/** Marks a folder as a pack this script wrote, so a later run may replace it and nothing else. */
const MARKER = '.lora-studio-bench-pack'

function fail(message) {
  process.stderr.write(`bench:pack: ${message}\n`)
  process.exit(1)
}

function parseArgs(argv) {
  let out = join(repoRoot, 'dist', 'bench-pack')
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1] !== undefined) out = resolve(argv[++i])
    else fail(`unknown argument "${argv[i]}"; usage: npm run bench:pack [-- --out DIR]`)
  }
  return { out }
}

function packageDir(name) {
  return dirname(require.resolve(`${name}/package.json`))
}

function copyInto(dir, from, to) {
  mkdirSync(dirname(join(dir, to)), { recursive: true })
  copyFileSync(from, join(dir, to))
}

/** `file` → `file.xz` beside it (xz -9, as run.sh expects), the original removed. */
function xz(file) {
  const run = spawnSync('xz', ['-9', '-z', '-f', file], { stdio: 'inherit' })
  if (run.error || run.status !== 0)
    throw new Error(`xz failed on ${file} (install xz-utils): ${run.error?.message ?? `exit ${run.status}`}`)
}

function sizeOf(path) {
  const s = statSync(path)
  if (!s.isDirectory()) return s.size
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0)
}

function listFiles(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path)]
  })
}

/** The bench's two bundles (bench.js, gradient-worker.js) and the package.json that makes them ESM. */
export async function bundle(tmp) {
  // The bundle is ESM; CommonJS inside it (tfjs's wasm loader) uses require and __dirname, which ESM lacks.
  const banner = [
    "import { createRequire as __packRequire } from 'node:module';",
    "import { dirname as __packDirname } from 'node:path';",
    "import { fileURLToPath as __packPath } from 'node:url';",
    'const require = __packRequire(import.meta.url);',
    'const __filename = __packPath(import.meta.url);',
    'const __dirname = __packDirname(__filename);'
  ].join(' ')
  await build({
    entryPoints: {
      bench: join(repoRoot, 'bench/pack-entry.ts'),
      // The engine starts its gradient workers from gradient-worker.js beside the module that starts them.
      'gradient-worker': join(repoRoot, 'src/engine/training/gradient-worker.ts')
    },
    outdir: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // webgpu loads dawn.node from beside its own index.js: it stays a package under node_modules.
    external: ['webgpu'],
    banner: { js: banner },
    legalComments: 'none',
    logLevel: 'warning'
  })
  writeFileSync(join(tmp, 'package.json'), `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`)
}

/**
 * What the bundles load at run time from node_modules: webgpu's loader with dawn.node for linux-x64
 * (xz-compressed unless `compressDawn` is false) and tfjs's wasm binaries, found through its package.json.
 */
export function copyRuntimePackages(tmp, { compressDawn = true } = {}) {
  const webgpu = packageDir('webgpu')
  const dawn = join(webgpu, 'dist', 'linux-x64', 'dawn.node')
  if (!existsSync(dawn))
    throw new Error(`${dawn} not found: the webgpu package ships dawn.node for linux-x64; reinstall it`)
  for (const f of ['package.json', 'index.js', 'LICENSE.md']) {
    copyInto(tmp, join(webgpu, f), `node_modules/webgpu/${f}`)
  }
  copyInto(tmp, dawn, 'node_modules/webgpu/dist/linux-x64/dawn.node')
  if (compressDawn) xz(join(tmp, 'node_modules/webgpu/dist/linux-x64/dawn.node'))
  const wasm = packageDir('@tensorflow/tfjs-backend-wasm')
  copyInto(tmp, join(wasm, 'package.json'), 'node_modules/@tensorflow/tfjs-backend-wasm/package.json')
  for (const f of readdirSync(join(wasm, 'dist')).filter((n) => n.endsWith('.wasm'))) {
    copyInto(tmp, join(wasm, 'dist', f), `node_modules/@tensorflow/tfjs-backend-wasm/dist/${f}`)
  }
}

const RUN_SH = `#!/bin/sh
# LoRA Studio bench pack: unpacks its Node binary and Dawn (dawn.node) on first use, then runs the bench.
# Usage: ./run.sh --quick | --backend webgpu --case train-gpt2-small-seq256 ... (./run.sh --help)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "run.sh: this pack is for Linux x86_64; this is $(uname -s) $(uname -m)" >&2
  exit 1
fi
unpack() {
  dst=\${1%.xz}
  [ -f "$dst" ] && return 0
  if [ ! -w "$(dirname "$dst")" ]; then
    echo "run.sh: cannot write $(dirname "$dst"); copy the pack to a writable folder first" >&2
    exit 1
  fi
  if command -v xz >/dev/null 2>&1; then
    xz -dc "$1" > "$dst.part"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$dst.part"
  else
    echo "run.sh: unpacking $1 needs xz (apt-get install xz-utils) or python3" >&2
    exit 1
  fi
  mv "$dst.part" "$dst"
}
unpack "$HERE/node.xz"
chmod +x "$HERE/node"
unpack "$HERE/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
exec "$HERE/node" "$HERE/bench.js" "$@"
`

function readme(nodeVersion) {
  return `LoRA Studio bench pack (linux-x64), built by \`npm run bench:pack\`

Runs the bench of a LoRA Studio checkout on a machine with no network and no Node:
  ./run.sh --quick                                   # train-tiny and generate-tiny on the engine's choice
  ./run.sh --backend webgpu --quick                  # the same on the GPU through Dawn (Vulkan)
  ./run.sh --backend webgpu --case train-gpt2-small-seq256 --case generate-gpt2-small --torch-device cuda
  ./run.sh --help                                    # every case and flag

The first run unpacks node (Node ${nodeVersion}) and dawn.node next to run.sh (needs xz or python3, and a
writable folder). Dawn needs the Vulkan loader (libvulkan.so.1) and the GPU's Vulkan driver.
PyTorch runs before and after each case (python3 with torch; --torch-device cuda for the GPU, --no-torch to
skip): training cases against torch_lora_bench.py's step, generate cases against torch_generate_bench.py. Models are random weights of the real shapes: nothing
is downloaded. The dataset-import case is not in the pack.
`
}

async function main() {
  const { out } = parseArgs(process.argv.slice(2))
  if (existsSync(out) && !existsSync(join(out, MARKER))) {
    fail(`${out} exists and is not a bench pack; choose another folder with --out, or move it away`)
  }
  const torchScript =
    process.env.LORA_STUDIO_TORCH_BENCH ?? resolve(repoRoot, 'tools/pytorch/torch_lora_bench.py')
  const besideIt = ['ref_gpt2.py', 'torch_generate_bench.py']
  if (!existsSync(torchScript) || besideIt.some((f) => !existsSync(join(dirname(torchScript), f)))) {
    fail(
      `${torchScript} or ${besideIt.join(' or ')} beside it not found; set LORA_STUDIO_TORCH_BENCH to torch_lora_bench.py`
    )
  }
  const tmp = `${out}.tmp-${process.pid}`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  try {
    await bundle(tmp)
    copyRuntimePackages(tmp)
    copyInto(tmp, torchScript, 'torch_lora_bench.py')
    // Generate cases' script, and the GPT-2 reference both build their model with.
    for (const f of besideIt) copyInto(tmp, join(dirname(torchScript), f), f)
    process.stderr.write(
      `bench:pack: compressing ${process.execPath} (Node ${process.version}, about a minute)\n`
    )
    copyInto(tmp, process.execPath, 'node')
    xz(join(tmp, 'node'))
    writeFileSync(join(tmp, 'run.sh'), RUN_SH, { mode: 0o755 })
    writeFileSync(join(tmp, 'README.txt'), readme(process.version))
    writeFileSync(join(tmp, MARKER), '')
    const bytes = sizeOf(tmp)
    if (bytes > LIMIT_BYTES) {
      fail(
        `the pack is ${(bytes / MiB).toFixed(1)} MiB, over its ${LIMIT_BYTES / MiB} MiB limit; left in ${tmp}`
      )
    }
    rmSync(out, { recursive: true, force: true })
    renameSync(tmp, out)
    for (const f of listFiles(out).sort()) {
      process.stdout.write(`${(sizeOf(join(out, f)) / MiB).toFixed(2).padStart(8)} MiB  ${f}\n`)
    }
    process.stdout.write(`${(bytes / MiB).toFixed(1).padStart(8)} MiB  ${out}\n`)
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true })
    throw err
  }
}

// Run as a script (npm run bench:pack); imported, it only lends its pieces (the bundle test).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => fail(err instanceof Error ? err.message : String(err)))
}
