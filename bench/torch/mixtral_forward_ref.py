#!/usr/bin/python3
"""PyTorch reference for moelab's Mixtral forward benchmark.

A compact re-implementation of Hugging Face transformers v4.40.2 MixtralForCausalLM.forward
(eager attention, no KV cache), written against plain torch because transformers is not
installable on the benchmark machines. Operation order follows modeling_mixtral.py so that
float32 results match HF's to rounding.

  verify MODEL_DIR   check logits against MODEL_DIR/vectors.json (cases[i].input_ids/.logits)
  bench --threads N  time a random-weight model (seed 0) on 8 x 256 tokens; prints JSON
"""
import argparse
import json
import math
import os
import statistics
import struct
import sys
import time

import torch
import torch.nn.functional as F

BENCH_CONFIG = {
    "vocab_size": 32000,
    "hidden_size": 512,
    "intermediate_size": 1408,
    "num_hidden_layers": 4,
    "num_attention_heads": 8,
    "num_key_value_heads": 8,
    "num_local_experts": 8,
    "num_experts_per_tok": 2,
    "rms_norm_eps": 1e-5,
    "rope_theta": 1e6,
}
BENCH_BATCH, BENCH_SEQ_LEN = 8, 256
WARMUP_RUNS, TIMED_RUNS = 2, 5

# dtype and bytes per element (torch 1.13's dtypes have no itemsize)
SAFETENSORS_DTYPES = {"F32": (torch.float32, 4), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2)}


def load_safetensors(path):
    """Reads a .safetensors file: u64 little-endian header size, JSON header, raw tensor bytes."""
    with open(path, "rb") as f:
        (header_size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_size))
        data = bytearray(f.read())  # writable, so torch.frombuffer does not warn
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        dtype, itemsize = SAFETENSORS_DTYPES[entry["dtype"]]
        tensors[name] = torch.frombuffer(data, dtype=dtype, offset=begin,
                                         count=(end - begin) // itemsize).reshape(entry["shape"])
    return tensors


def random_weights(config, seed):
    """Mixtral-shaped weights: N(0, 1/in) linears, N(0, 1) embeddings, unit norms."""
    generator = torch.Generator().manual_seed(seed)
    d, ffn, vocab = config["hidden_size"], config["intermediate_size"], config["vocab_size"]
    head_dim = d // config["num_attention_heads"]
    kv_dim = config["num_key_value_heads"] * head_dim

    def linear(out_features, in_features):
        return torch.randn(out_features, in_features, generator=generator) / math.sqrt(in_features)

    w = {"model.embed_tokens.weight": torch.randn(vocab, d, generator=generator)}
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "self_attn.q_proj.weight"] = linear(d, d)
        w[p + "self_attn.k_proj.weight"] = linear(kv_dim, d)
        w[p + "self_attn.v_proj.weight"] = linear(kv_dim, d)
        w[p + "self_attn.o_proj.weight"] = linear(d, d)
        w[p + "block_sparse_moe.gate.weight"] = linear(config["num_local_experts"], d)
        for e in range(config["num_local_experts"]):
            q = f"{p}block_sparse_moe.experts.{e}."
            w[q + "w1.weight"] = linear(ffn, d)
            w[q + "w2.weight"] = linear(d, ffn)
            w[q + "w3.weight"] = linear(ffn, d)
        w[p + "input_layernorm.weight"] = torch.ones(d)
        w[p + "post_attention_layernorm.weight"] = torch.ones(d)
    w["model.norm.weight"] = torch.ones(d)
    w["lm_head.weight"] = linear(vocab, d)
    return w


def rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def rotary_cos_sin(seq_len, head_dim, theta):
    # MixtralRotaryEmbedding: inv_freq from int64 arange, positions as float, cat(freqs, freqs).
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    t = torch.arange(seq_len, dtype=torch.int64).type_as(inv_freq)
    emb = torch.cat((torch.outer(t, inv_freq),) * 2, dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def attention(x, w, p, config, cos, sin, causal_mask):
    bsz, q_len, d = x.shape
    n_heads, n_kv = config["num_attention_heads"], config["num_key_value_heads"]
    head_dim = d // n_heads
    q = F.linear(x, w[p + "q_proj.weight"]).view(bsz, q_len, n_heads, head_dim).transpose(1, 2)
    k = F.linear(x, w[p + "k_proj.weight"]).view(bsz, q_len, n_kv, head_dim).transpose(1, 2)
    v = F.linear(x, w[p + "v_proj.weight"]).view(bsz, q_len, n_kv, head_dim).transpose(1, 2)
    cos, sin = cos[None, None], sin[None, None]  # position_ids = arange(q_len)
    q = q * cos + rotate_half(q) * sin
    k = k * cos + rotate_half(k) * sin
    # repeat_kv: each KV head serves n_heads / n_kv consecutive query heads (GQA).
    k = k.repeat_interleave(n_heads // n_kv, dim=1)
    v = v.repeat_interleave(n_heads // n_kv, dim=1)
    scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(head_dim) + causal_mask
    probs = F.softmax(scores, dim=-1, dtype=torch.float32)
    out = torch.matmul(probs, v).transpose(1, 2).contiguous().reshape(bsz, q_len, d)
    return F.linear(out, w[p + "o_proj.weight"])


def sparse_moe(x, w, p, config):
    """MixtralSparseMoeBlock: softmax router, top-k renormalised, per-expert gather/index_add_."""
    bsz, seq_len, d = x.shape
    n_experts, top_k = config["num_local_experts"], config["num_experts_per_tok"]
    x = x.view(-1, d)
    router_logits = F.linear(x, w[p + "gate.weight"])
    routing_weights = F.softmax(router_logits, dim=1, dtype=torch.float)
    routing_weights, selected_experts = torch.topk(routing_weights, top_k, dim=-1)
    routing_weights /= routing_weights.sum(dim=-1, keepdim=True)
    out = torch.zeros_like(x)
    expert_mask = F.one_hot(selected_experts, num_classes=n_experts).permute(2, 1, 0)
    for e in range(n_experts):
        idx, top_x = torch.where(expert_mask[e])
        q = f"{p}experts.{e}."
        tokens = x[None, top_x].reshape(-1, d)
        hidden = F.silu(F.linear(tokens, w[q + "w1.weight"])) * F.linear(tokens, w[q + "w3.weight"])
        expert_out = F.linear(hidden, w[q + "w2.weight"]) * routing_weights[top_x, idx, None]
        out.index_add_(0, top_x, expert_out)
    return out.reshape(bsz, seq_len, d)


def forward(input_ids, w, config):
    """Logits [batch, seq_len, vocab] of MixtralForCausalLM for input_ids [batch, seq_len]."""
    seq_len = input_ids.shape[1]
    d, eps = config["hidden_size"], config["rms_norm_eps"]
    cos, sin = rotary_cos_sin(seq_len, d // config["num_attention_heads"], config["rope_theta"])
    # _prepare_4d_causal_attention_mask: finfo.min above the diagonal, 0 elsewhere.
    causal_mask = torch.full((seq_len, seq_len), torch.finfo(torch.float32).min).triu(1)
    h = F.embedding(input_ids, w["model.embed_tokens.weight"])
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = h + attention(rms_norm(h, w[p + "input_layernorm.weight"], eps), w, p + "self_attn.",
                          config, cos, sin, causal_mask)
        h = h + sparse_moe(rms_norm(h, w[p + "post_attention_layernorm.weight"], eps), w,
                           p + "block_sparse_moe.", config)
    h = rms_norm(h, w["model.norm.weight"], eps)
    return F.linear(h, w["lm_head.weight"]).float()


def verify(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        config = json.load(f)
    with open(os.path.join(model_dir, "vectors.json")) as f:
        cases = json.load(f)["cases"]
    weights = load_safetensors(os.path.join(model_dir, "model.safetensors"))
    worst = 0.0
    with torch.inference_mode():
        for case in cases:
            logits = forward(torch.tensor([case["input_ids"]]), weights, config)[0]
            diff = (logits - torch.tensor(case["logits"])).abs().max().item()
            print(f"seq_len {len(case['input_ids'])}: max |logits - HF| = {diff:.3g}")
            worst = max(worst, diff)
    print(json.dumps({"cases": len(cases), "max_abs_diff": worst}))
    return 0 if worst <= 1e-5 else 1


def bench(threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    weights = random_weights(BENCH_CONFIG, seed=0)
    input_ids = torch.randint(0, BENCH_CONFIG["vocab_size"], (BENCH_BATCH, BENCH_SEQ_LEN))
    seconds = []
    with torch.inference_mode():
        for run in range(WARMUP_RUNS + TIMED_RUNS):
            start = time.perf_counter()
            forward(input_ids, weights, BENCH_CONFIG)
            if run >= WARMUP_RUNS:
                seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    print(json.dumps({"threads": threads, "tokens_per_s": BENCH_BATCH * BENCH_SEQ_LEN / median,
                      "median_s": median, "torch": torch.__version__}))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    verify_parser = commands.add_parser("verify", help="compare logits with HF's vectors.json")
    verify_parser.add_argument("model_dir")
    bench_parser = commands.add_parser("bench", help="time the forward pass")
    bench_parser.add_argument("--threads", type=int, choices=(1, 2), required=True)
    args = parser.parse_args()
    return verify(args.model_dir) if args.command == "verify" else bench(args.threads)


if __name__ == "__main__":
    sys.exit(main())
