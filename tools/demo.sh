#!/bin/sh
# The main job on the corpora the project ships: web-chat support logs of
# a mobile product (source) moved to SMS support of a broadband product
# (target). Usage: tools/demo.sh PATH-TO-PARLANCE [OUT-DIR]
set -e
bin=$1
out=${2:-out/demo}
"$bin" transfer --source corpora/support-web.jsonl \
    --target corpora/support-sms.jsonl --out "$out"
echo "demo: open $out/report.md (machine-readable: $out/report.json)"
