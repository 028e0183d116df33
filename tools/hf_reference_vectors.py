#!/usr/bin/env python3
"""Reference outputs from Hugging Face transformers for moelab's small test checkpoints.

For each model directory given (config.json + model.safetensors written by moelab's
SafetensorsWriter), loads it with transformers' own modeling code in float32 and float64
(eager attention, CPU), runs fixed inputs, and writes DIR/vectors.json in the layout of
../shared/fixtures/hf/*/vectors.json: cases[i].input_ids, logits [seq][vocab],
router_logits [moe_layer][seq][experts], topk_experts [moe_layer][seq][k] (descending
probability), plus logits_float64 for the float32 noise of the reference itself.

Fails if transformers reports any missing or unexpected tensor (a naming mismatch would
otherwise silently initialise weights at random).

    python3 tools/hf_reference_vectors.py DIR [DIR ...]
"""
import json
import sys

import torch
import transformers
from transformers import AutoModelForCausalLM

ARCHITECTURES = {"qwen3_moe": "Qwen3MoeForCausalLM", "olmoe": "OlmoeForCausalLM"}
INPUTS = [[5], [1, 17, 33, 2, 60, 8, 41], [3, 14, 15, 9, 26, 53, 58, 9, 7, 9, 32, 38, 46, 26, 43, 38, 32, 7, 2, 63]]


def load(directory, dtype):
    # Eager experts: transformers 5's default grouped-matmul kernel has no float64.
    model, info = AutoModelForCausalLM.from_pretrained(
        directory, torch_dtype=dtype, attn_implementation="eager", experts_implementation="eager",
        output_loading_info=True)
    problems = {k: v for k, v in info.items() if v}
    if problems:
        raise SystemExit(f"{directory}: transformers reports {problems}")
    return model.eval()


def main(directories):
    torch.manual_seed(0)
    for directory in directories:
        with open(f"{directory}/config.json") as f:
            config = json.load(f)
        config["architectures"] = [ARCHITECTURES[config["model_type"]]]
        with open(f"{directory}/config.json", "w") as f:
            json.dump(config, f, indent=2)
        single, double = load(directory, torch.float32), load(directory, torch.float64)
        top_k = config["num_experts_per_tok"]
        cases = []
        for ids in INPUTS:
            batch = torch.tensor([ids])
            with torch.no_grad():
                out = single(batch, output_router_logits=True)
                out64 = double(batch)
            router = [layer.reshape(len(ids), -1) for layer in out.router_logits if layer is not None]
            probabilities = [torch.softmax(layer.double(), dim=-1) for layer in router]
            cases.append({
                "input_ids": ids,
                "logits": out.logits[0].tolist(),
                "logits_float64": out64.logits[0].tolist(),
                "router_logits": [layer.tolist() for layer in router],
                "topk_experts": [torch.topk(p, top_k, dim=-1).indices.tolist() for p in probabilities],
            })
            noise = (out.logits[0].double() - out64.logits[0]).abs().max().item()
            print(f"{directory}: input of {len(ids)} tokens, float32 vs float64 max |d| {noise:.2e}")
        with open(f"{directory}/vectors.json", "w") as f:
            json.dump({"transformers_version": transformers.__version__, "torch_version": torch.__version__,
                       "cases": cases}, f)


if __name__ == "__main__":
    main(sys.argv[1:])
