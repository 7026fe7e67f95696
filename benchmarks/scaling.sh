#!/usr/bin/env bash
# Weak and strong scaling of legate.numpy over the GPUs of one host: the Jacobi
# sweep, a channel-flow step and a float64 matmul on 1, 2, 4 (and 8) GPUs, as
# one process with N GPUs and as N ranks with one GPU each.
#   benchmarks/scaling.sh OUT.jsonl [GPU counts...]      (default: 1 2 4 8, those present)
# Strong scaling keeps the sizes below; weak scaling grows them with N
# (Jacobi and channel flow: side * sqrt(N); matmul: side * cbrt(N)).
# benchmarks/scaling_report.py OUT.jsonl writes docs/scaling.md and the PNG.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
legate=$here/../bin/legate
out=${1:?usage: scaling.sh OUT.jsonl [N...]}; shift
ndev=$(nvidia-smi -L 2>/dev/null | wc -l)
counts=("$@"); [ ${#counts[@]} -eq 0 ] && counts=(1 2 4 8)
J=${SCALING_JACOBI_N:-32768} C=${SCALING_CF_N:-4096} M=${SCALING_MATMUL_N:-16384}   # strong
WJ=${SCALING_WEAK_JACOBI_N:-16384} WC=${SCALING_WEAK_CF_N:-4096} WM=${SCALING_WEAK_MATMUL_N:-8192}  # weak, per GPU
for n in "${counts[@]}"; do
    [ "$n" -le "$ndev" ] || { echo "== skipping $n GPUs ($ndev present)"; continue; }
    read -r wj wc wm < <(python3 -c "import math; n=$n; r=lambda x: int(round(x/2))*2; print(r($WJ*math.sqrt(n)), r($WC*math.sqrt(n)), r($WM*n**(1/3)))")
    for mode in process ranks; do
        [ "$mode" = ranks ] && [ "$n" -eq 1 ] && continue
        if [ "$mode" = process ]; then launch=("$legate" --gpus "$n"); else launch=("$legate" --ranks-per-node "$n" --gpus 1); fi
        echo "== $n GPUs, $mode"
        timeout 300 "${launch[@]}" "$here/scaling.py" --mode "$mode" --scaling strong \
            --jacobi-n "$J" --cf-n "$C" --matmul-n "$M" --repeat 3 --budget 6 --out "$out"
        timeout 300 "${launch[@]}" "$here/scaling.py" --mode "$mode" --scaling weak \
            --jacobi-n "$wj" --cf-n "$wc" --matmul-n "$wm" --repeat 3 --budget 6 --out "$out"
    done
done
