#!/bin/sh
# Rebuilds calibration-mix.jsonl from the datasets fixture (see CARD.md).
# Usage: datasets/calibration-mix/build.sh [FIXTURE_TEXT_DIR]   (default: ../shared/datasets-fixture/text
# relative to the repository root). Needs only python3 (stdlib).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/../../../shared/datasets-fixture/text}
python3 - "$src" "$here/calibration-mix.jsonl" <<'PY'
import json, sys
src, out = sys.argv[1], sys.argv[2]
PER_DOMAIN = 100
with open(out, "w", encoding="utf-8", newline="\n") as f:
    for domain in ["scripture", "code", "dictionary", "arithmetic"]:
        with open(f"{src}/{domain}.train-sample.jsonl", encoding="utf-8") as g:
            for i, line in enumerate(g):
                if i == PER_DOMAIN:
                    break
                row = json.loads(line)
                assert row["domain"] == domain
                f.write(json.dumps({"id": row["id"], "text": row["text"], "label": domain},
                                   ensure_ascii=False) + "\n")
PY
