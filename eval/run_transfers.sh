#!/bin/sh
# The transfer runs the README quotes: SGD train -> SGD test (services
# unseen in training), CLINC150 -> Banking77 (almost no shared labels),
# and the shipped corpora. Writes each report under eval/results/<name>/
# (report.md and report.json only; models and predictions stay in
# ${TMPDIR:-/tmp}) and prints one summary line per run with its time.
#
#   sh eval/run_transfers.sh [CORPORA]   (default ../shared/corpora)
set -e
corpora=${1:-../shared/corpora}
bin=${PARLANCE:-build/parlance}
work=${TMPDIR:-/tmp}/parlance-transfers
mkdir -p "$work" eval/results

run() { # name source target
    name=$1
    start=$(date +%s)
    "$bin" transfer -q --source "$2" --target "$3" --out "$work/$name" \
        > /dev/null
    end=$(date +%s)
    mkdir -p "eval/results/$name"
    cp "$work/$name/report.md" "$work/$name/report.json" \
        "eval/results/$name/"
    printf '%-14s %4ds  ' "$name" $((end - start))
    awk -F'|' '/^\| `/ { gsub(/ /, "", $2); gsub(/ \(.*/, "", $3);
                         printf "%s %s  ", $2, $3 } END { print "" }' \
        "$work/$name/report.md"
}

run shipped corpora/support-web.jsonl corpora/support-sms.jsonl
if [ -d "$corpora/sgd" ]; then
    run sgd "$corpora/sgd/train" "$corpora/sgd/test"
    run clinc-banking "$corpora/clinc150/data/data_full.json" \
        "$corpora/banking77/banking_data"
else
    echo "skipping the real-corpus runs: $corpora/sgd not found" >&2
fi
