#!/usr/bin/python3
"""PyTorch CPU anchor for the bench's generate cases: greedy decoding with a KV cache on a GPT-2 architecture
with unmerged LoRA (default r 16, alpha 32 on attn.c_attn and attn.c_proj: our engine decodes with the adapter).
usage: torch_generate_bench.py [--layers 12 --embd 768 --heads 12 --vocab 50257 --positions 1024]
                               [--prompt 32 --new 256 --repeats 1 --r 16 --alpha 32 --targets attn.c_attn,attn.c_proj]
                               [--threads 1 --device cpu|cuda]
       torch_generate_bench.py --model DIR [--adapter DIR] --ids IDS.json [--new N]
                               (a model folder, PEFT adapter and prompt instead of random ones; prints
                                {"ids": [...]} of the last run's new tokens before the summary)
A warm-up of 8 new tokens, then --repeats runs of --new tokens. The summary (last line) gives the prefill and,
as the bench's generate cases count it, a step = one run's decode time after the first new token ÷ (new − 1),
median and fastest over the runs; the CPU time per step (median); then the median and fastest single token.
--threads sets torch's threads and the BLAS's (OpenBLAS, OpenMP) before torch loads: default 1, the one
thread our engine decodes on (tfjs-wasm in Node has no threads)."""
import argparse, json, os, statistics, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("--layers", type=int, default=12); ap.add_argument("--embd", type=int, default=768)
ap.add_argument("--heads", type=int, default=12); ap.add_argument("--vocab", type=int, default=50257)
ap.add_argument("--positions", type=int, default=1024)
ap.add_argument("--prompt", type=int, default=32); ap.add_argument("--new", type=int, default=256)
ap.add_argument("--repeats", type=int, default=1); ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--r", type=int, default=16); ap.add_argument("--alpha", type=float, default=32)
ap.add_argument("--targets", default="attn.c_attn,attn.c_proj"); ap.add_argument("--device", default="cpu")
ap.add_argument("--model"); ap.add_argument("--adapter"); ap.add_argument("--ids")
a = ap.parse_args()
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(a.threads)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch
from ref_gpt2 import hidden_states, make_weights

torch.set_num_threads(a.threads)
if a.model:
    from peft_ref import load_adapter, load_model, read_ids  # the test's mode: peft_ref.py sits beside this
    cfg, w = load_model(a.model)
    lora, scale = load_adapter(a.adapter) if a.adapter else (None, 1.0)
    prompt = torch.tensor([read_ids(a.ids)])
else:
    cfg = {"n_embd": a.embd, "n_layer": a.layers, "n_head": a.heads, "vocab_size": a.vocab,
           "n_positions": a.positions, "layer_norm_epsilon": 1e-5}
    g = torch.Generator().manual_seed(0)
    w = make_weights(cfg, g)
    lora = {}
    for i in range(a.layers):
        for t in a.targets.split(","):
            n = f"h.{i}.{t}"; fin, fout = w[n + ".weight"].shape
            lora[n] = (torch.randn(a.r, fin, generator=g) * 0.01, torch.randn(fout, a.r, generator=g) * 0.01)
    scale = a.alpha / a.r
    prompt = torch.randint(0, a.vocab, (1, a.prompt), generator=g)
if prompt.shape[1] + a.new > cfg["n_positions"]:
    raise SystemExit(f"prompt {prompt.shape[1]} + new {a.new} tokens pass n_positions {cfg['n_positions']}")
w = {k: v.to(a.device) for k, v in w.items()}
lora = {k: (A.to(a.device), B.to(a.device)) for k, (A, B) in (lora or {}).items()} or None
prompt = prompt.to(a.device)
sync = torch.cuda.synchronize if a.device.startswith("cuda") else (lambda: None)


def next_id(ids, cache):
    """The greedy next token after `ids` (the cache holds what came before), from the last position only."""
    h = hidden_states(w, cfg, ids, lora, scale, cache)[:, -1:, :]
    return (h @ w["wte.weight"].t()).argmax(-1)


def run(n):
    """Greedy decoding of n new tokens: the prefill's time, each later token's time, the CPU time (this
    process, all threads) of those tokens, and the new ids."""
    cache, out, tokens = [], [], []
    with torch.no_grad():
        t = time.perf_counter()
        nxt = next_id(prompt, cache); sync()
        prefill = time.perf_counter() - t
        out.append(nxt)
        cpu = time.process_time()
        for _ in range(n - 1):
            t = time.perf_counter()
            nxt = next_id(nxt, cache); sync()
            tokens.append(time.perf_counter() - t)
            out.append(nxt)
        cpu = time.process_time() - cpu
    return prefill, tokens, cpu, torch.cat(out, dim=1)[0].tolist()


run(min(8, a.new))
runs = [run(a.new) for _ in range(a.repeats)]
if a.model:
    print(json.dumps({"ids": runs[-1][3]}))
steps = [sum(r[1]) / len(r[1]) for r in runs]
singles = [s for r in runs for s in r[1]]
st, fast = statistics.median(steps), min(steps)
cpu_step = statistics.median(r[2] / len(r[1]) for r in runs)
print(f"torch {torch.__version__} device={a.device} threads={a.threads} layers={cfg['n_layer']} embd={cfg['n_embd']} "
      f"prompt={prompt.shape[1]} new={a.new} repeats={a.repeats} lora={'none' if lora is None else len(lora)}: "
      f"prefill {statistics.median(r[0] for r in runs):.4f}s; step {st:.5f}s, {1 / st:.2f} tokens/s (median); "
      f"fastest step {fast:.5f}s, {1 / fast:.2f} tokens/s; CPU per step {cpu_step:.5f}s; single tokens median {statistics.median(singles):.5f}s, "
      f"fastest {min(singles):.5f}s")
