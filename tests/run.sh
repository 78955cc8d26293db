#!/bin/sh
# Run each test executable, show its output, and close with one summary
# line "N passed, N failed, N skipped" summed over all of them.
label=$1; shift
pass=0; fail=0; skip=0; bad=""
for t in "$@"; do
    out=$("$t" 2>&1); rc=$?
    printf '%s\n' "$out" | grep -v '^ok ' 
    line=$(printf '%s\n' "$out" | grep -E '^[a-z0-9_]+: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
    p=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) passed.*/\1/p')
    f=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
    s=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
    pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0})); skip=$((skip + ${s:-0}))
    if [ $rc -ne 0 ] || [ -z "$line" ]; then
        [ "${f:-0}" = 0 ] && fail=$((fail + 1))
        bad="$bad $(basename "$t")(exit $rc)"
    fi
done
[ -n "$bad" ] && echo "failing:$bad"
echo "$label: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
