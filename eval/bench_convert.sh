#!/bin/sh
# Streaming conversion benchmark: a large OpenAI chat JSONL log converted
# to unified JSONL by parlance, side by side with what a user would
# otherwise write (a Python json loop, and jq when installed). Reports time
# and peak memory for each and parlance's ratios, in one run.
#
#   sh eval/bench_convert.sh [SIZE_MB]     (default 1024)
#
# Needs: build/parlance (make), /usr/bin/time, awk; python3 and jq are
# optional comparisons. Files go to ${TMPDIR:-/tmp}/parlance-bench.
set -e
size_mb=${1:-1024}
bin=${PARLANCE:-build/parlance}
dir=${TMPDIR:-/tmp}/parlance-bench
mkdir -p "$dir"
log="$dir/chat-${size_mb}mb.jsonl"

if [ ! -s "$log" ]; then
    echo "generating $log (${size_mb} MB)..." >&2
    awk -v target=$((size_mb * 1048576)) 'BEGIN {
        srand(7);
        split("billing plan router outage roaming refund delivery " \
              "password upgrade contract", topic, " ");
        n = 0; bytes = 0;
        while (bytes < target) {
            t = topic[int(rand() * 10) + 1];
            k = int(rand() * 4) + 1;
            line = "{\"messages\":[{\"role\":\"system\",\"content\":" \
                   "\"You are a support assistant.\"}";
            for (i = 0; i < k; i++)
                line = line sprintf(",{\"role\":\"user\",\"content\":" \
                    "\"Question %d about my %s, case %d: what happens " \
                    "next?\"},{\"role\":\"assistant\",\"content\":" \
                    "\"Thanks for asking about the %s. Case %d is " \
                    "being handled.\"}", i, t, n, t, n);
            line = line "]}";
            print line;
            bytes += length(line) + 1;
            n++;
        }
    }' > "$log.tmp" && mv "$log.tmp" "$log"
fi

measure() { # name, command...: prints "name seconds peak_kb"
    name=$1; shift
    /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" > /dev/null 2>"$dir/err.txt" ||
        { echo "$name failed:" >&2; cat "$dir/err.txt" >&2; return 1; }
    set -- $(tail -n 1 "$dir/time.txt")
    echo "$name $1 $2"
}

results="$dir/results.txt"
: > "$results"
measure parlance "$bin" convert -q "$log" -o "$dir/out.jsonl" >> "$results"
if command -v python3 > /dev/null; then
    cat > "$dir/convert.py" <<'PY'
import json, sys
# What a user would write: read each chat line, emit one record per line.
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w") as out:
    for i, line in enumerate(f):
        msgs = json.loads(line)["messages"]
        turns = [{"index": k, "role": m["role"], "text": m["content"] or ""}
                 for k, m in enumerate(msgs)]
        out.write(json.dumps({"id": str(i), "turns": turns}) + "\n")
PY
    measure python3 python3 "$dir/convert.py" "$log" "$dir/out-py.jsonl" >> "$results"
fi
if command -v jq > /dev/null; then
    measure jq jq -c '{turns: [.messages | to_entries[] |
        {index: .key, role: .value.role, text: (.value.content // "")}]}' \
        "$log" >> "$results"
fi

echo "input: $log ($(du -m "$log" | cut -f1) MB)"
awk 'NR == 1 { ps = $2; pm = $3 }
     { printf "%-10s %8.1f s %9.1f MB peak", $1, $2, $3 / 1024;
       if (NR > 1) printf "   parlance time x%.2f, memory x%.2f",
                          ps / $2, pm / $3;
       printf "\n" }' "$results"
