#!/usr/bin/python3
"""Remakes (or checks) test/fixtures/gpt2-tiny with ref_gpt2.py and llama-tiny, qwen2-tiny, qwen3-tiny with
ref_llama.py, and checks the GPT-2 tokenizer files.

The tests compare the engine with PyTorch on these files, so they must be reproducible: ref_gpt2.py seeds
its own torch.Generator (seed 0), and this script passes it exactly the settings that made the committed
folder (ref_gpt2.py's defaults, written out below so a changed default cannot change the fixture).

  make_fixtures.py --check     regenerate into a temporary folder and compare with test/fixtures (exit 1 on
                               a difference); nothing in the repository changes
  make_fixtures.py --write     regenerate the reference folders in test/fixtures in place (review the diff before committing)

Needs Python's torch (Debian: apt-get install python3-torch libopenblas0-pthread); run with /usr/bin/python3.
model/config.json, model/model.safetensors and reference.json come out byte-identical. reference.safetensors
holds float32 results of matrix products, whose last bits depend on the CPU's BLAS kernels (AVX2 vs AVX-512
summation order): on another machine they may differ by ~1e-7, which --check accepts up to MAX_REL_DIFF of each
tensor's largest value (more than 10x inside the tolerances reference.json gives the tests).
"""
import argparse, hashlib, json, os, shutil, struct, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "test", "fixtures"))
# --alpha is left at ref_gpt2.py's default: that default is the int 8, which reference.json records as `8`
# (passing "--alpha 8" would record `8.0` and change the file's bytes, not its numbers).
REF_ARGS = ["--layers", "2", "--embd", "64", "--heads", "4", "--vocab", "1000", "--positions", "128",
            "--seed", "0", "--batch", "2", "--seq", "24", "--r", "4",
            "--targets", "attn.c_attn,attn.c_proj", "--steps", "3", "--lr", "1e-2", "--wd", "0.01", "--clip", "1.0"]
ATTN = "self_attn.q_proj,self_attn.k_proj,self_attn.v_proj,self_attn.o_proj"
LLAMA_SHAPE = ["--layers", "2", "--hidden", "64", "--heads", "4", "--kv-heads", "2", "--inter", "128",
               "--vocab", "1000", "--positions", "128"]
# Each folder: (script, its arguments). Grouped-query attention (4 heads, 2 key/value heads) everywhere;
# llama: every projection a target, untied head; qwen2: q/k/v biases, an MLP target; qwen3: q_norm/k_norm
# and head_dim 32 ≠ hidden/heads (16), so q_proj is wider than the hidden state.
FOLDERS = {
    "gpt2-tiny": ("ref_gpt2.py", REF_ARGS),
    "llama-tiny": ("ref_llama.py", ["--arch", "llama"] + LLAMA_SHAPE + [
        "--seed", "0", "--untied", "--targets", ATTN + ",mlp.gate_proj,mlp.up_proj,mlp.down_proj"]),
    "qwen2-tiny": ("ref_llama.py", ["--arch", "qwen2"] + LLAMA_SHAPE + [
        "--seed", "1", "--theta", "1000000", "--targets", "self_attn.q_proj,self_attn.v_proj,mlp.up_proj"]),
    "qwen3-tiny": ("ref_llama.py", ["--arch", "qwen3"] + LLAMA_SHAPE + [
        "--head-dim", "32", "--seed", "2", "--theta", "1000000",
        "--targets", "self_attn.q_proj,self_attn.k_proj,self_attn.o_proj,mlp.down_proj"]),
}
EXACT = ["model/config.json", "model/model.safetensors", "reference.json"]
MAX_REL_DIFF = 1e-5
# The GPT-2 tokenizer files as published on the Hugging Face Hub (openai-community/gpt2); not generated.
TOKENIZER_SHA256 = {
    "merges.txt": "fe36cab26d4f4421ed725e10a2e9ddb7f799449c603a96e7f29b5a3c82a95862",
    "special_tokens_map.json": "a00e1f660c842693e7f667898759c24eb538c2dbb09b91c22dbde1b45d4cdee8",
    "tokenizer.json": "4d0ed3a2e704d2eccabfed7a38fe36087b9c70fb59eaead362b181b2f5786ac7",
    "tokenizer_config.json": "2680ed0475d82ab3e394b34f1bf666e04dcbbaa5abc2963021b51d4b782a0fa6",
    "vocab.json": "3ba3c3109ff33976c4bd966589c11ee14fcaa1f4c9e5e154c2ed7f99d80709e7",
}


def generate(name, out_dir):
    script, args = FOLDERS[name]
    subprocess.run([sys.executable, os.path.join(HERE, script), out_dir] + args, check=True,
                   stdout=subprocess.DEVNULL)


def read_safetensors(path):
    import torch
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    dtypes = {"F32": torch.float32, "I64": torch.int64}
    tensors = {}
    for name, v in header.items():
        if name == "__metadata__":
            continue
        a, b = v["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[a:b]), dtype=dtypes[v["dtype"]]).reshape(v["shape"])
    return header, tensors


def compare(made, kept):
    """Problems, one line each, between a freshly made fixture folder and the kept one."""
    problems = []
    for rel in EXACT:
        with open(os.path.join(made, rel), "rb") as f1, open(os.path.join(kept, rel), "rb") as f2:
            if f1.read() != f2.read():
                problems.append(f"{kept}/{rel}: not byte-identical")
    rel = "reference.safetensors"
    h1, t1 = read_safetensors(os.path.join(made, rel))
    h2, t2 = read_safetensors(os.path.join(kept, rel))
    if h1 != h2:
        return problems + [f"{kept}/{rel}: header (names, dtypes, shapes) differs"]
    worst = 0.0
    for name, a in t1.items():
        b = t2[name]
        if not a.is_floating_point():
            if not bool((a == b).all()):
                problems.append(f"{kept}/{rel}: integer tensor {name} differs")
            continue
        scale = max(b.abs().max().item(), 1e-12)
        d = (a.double() - b.double()).abs().max().item() / scale
        worst = max(worst, d)
        if d > MAX_REL_DIFF:
            problems.append(f"{kept}/{rel}: {name} differs by {d:.3g} of its largest value (allowed {MAX_REL_DIFF})")
    with open(os.path.join(made, rel), "rb") as f1, open(os.path.join(kept, rel), "rb") as f2:
        same = f1.read() == f2.read()
    print(f"{os.path.basename(kept)}/{rel}: {'byte-identical' if same else f'numerically equal (largest difference {worst:.3g} of a tensor max)'}")
    return problems


def check_tokenizer():
    problems = []
    for name, want in TOKENIZER_SHA256.items():
        path = os.path.join(FIXTURES, "gpt2-tokenizer", name)
        if not os.path.exists(path):
            problems.append(f"gpt2-tokenizer/{name}: missing")
            continue
        with open(path, "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() != want:
                problems.append(f"gpt2-tokenizer/{name}: sha256 differs from the published file")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--write", action="store_true")
    a = ap.parse_args()
    problems = []
    for name in FOLDERS:
        kept = os.path.join(FIXTURES, name)
        if a.write:
            tmp = kept + ".new"
            shutil.rmtree(tmp, ignore_errors=True)
            generate(name, tmp)
            shutil.rmtree(kept, ignore_errors=True)
            os.rename(tmp, kept)
            print(f"wrote {kept}")
        else:
            with tempfile.TemporaryDirectory() as tmp:
                generate(name, tmp)
                problems += compare(tmp, kept)
    problems += check_tokenizer()
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print("fixtures OK")


if __name__ == "__main__":
    main()
