# Loads a moelab-compressed checkpoint (smaller-router form) with transformers and compares its
# logits and router logits with `bin/moelab forward --input-ids 2,84,104,... --output F` on the same ids.
# Usage: python3 bench/hf-load-check.py CHECKPOINT_DIR MOELAB_FORWARD_JSON
import json, sys, torch, transformers
from transformers import AutoModelForCausalLM
print("transformers", transformers.__version__, "torch", torch.__version__)
model = AutoModelForCausalLM.from_pretrained(sys.argv[1], torch_dtype=torch.float32).eval()
ref = json.load(open(sys.argv[2]))
ids = [2,84,104,101,32,76,79,82,68,32,115,97,105,100,32,117,110,116,111,32,77,111,115,101,115]
with torch.no_grad():
    out = model(torch.tensor([ids]), output_router_logits=True)
logits = out.logits[0]
moelab = torch.tensor(ref["logits"])
print("max |logits diff|", (logits - moelab).abs().max().item())
for l, rl in enumerate(out.router_logits):
    print("layer", l, "router logits shape", tuple(rl.shape), "max diff", (rl - torch.tensor(ref["router_logits"][l])).abs().max().item())
