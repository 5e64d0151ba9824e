#!/usr/bin/env bash
# Trace identity across binaries (issue 13: "traces must stay bit-identical").
#   bench/trace_identity.sh run BINARY OUTDIR [extra run args...]
#       runs every method of `BINARY list methods` with its default compressor on two problems
#       (--rounds 60 --log-every 1 --seed 3) into OUTDIR/<problem>-<method>.csv
#   bench/trace_identity.sh compare DIR_A DIR_B
#       compares every CSV of DIR_A with the same file in DIR_B ignoring only the `seconds`
#       column; prints each difference and exits 1 if any (or if a file is missing).
#   bench/trace_identity.sh compare DIR_A DIR_B --loss-rel TOL
#       the same, except that the logged loss and what is formed from it (`gap`, `lyapunov`) may
#       differ by TOL times max(|loss|, |value|) (a change of the loss's summation); every other
#       column must still be identical. Prints the largest relative loss difference.
set -u
mode=${1:?usage: trace_identity.sh run BINARY OUTDIR [args] | compare DIR_A DIR_B [--loss-rel TOL]}
if [[ $mode == run ]]; then
  bin=${2:?BINARY}; out=${3:?OUTDIR}; shift 3
  mkdir -p "$out"
  methods=$("$bin" list methods | awk '/^  [a-z]/ {print $1}')
  # non-default variants whose code paths the defaults miss (partial participation draws)
  methods+=" dasha_pp[participation=snice[s=3]] dasha_pp[participation=independent[p=0.5]]"
  methods+=" dasha_pp_page[participation=snice[s=2]] dasha_pp_mvr[participation=independent[p=0.7]]"
  problems=("logreg[data=a9a]:10" "logreg_nc[data=mushrooms]:5")
  for pn in "${problems[@]}"; do
    p=${pn%:*}; n=${pn##*:}; tag=$(echo "$p" | tr -c 'a-zA-Z0-9_\n' '_')
    for m in $methods; do
      "$bin" run --problem "$p" -n "$n" --method "$m" --rounds 60 --log-every 1 --seed 3 -q \
        -o "$out/$tag-$(echo "$m" | tr -c 'a-zA-Z0-9_\n' '_').csv" --force "$@" >"$out/$tag-$(echo "$m" | tr -c 'a-zA-Z0-9_\n' '_').log" 2>&1 || echo "exit $? : $p $m" >>"$out/failures.txt"
    done
  done
  exit 0
fi
if [[ $mode == compare ]]; then
  a=${2:?DIR_A}; b=${3:?DIR_B}; bad=0; count=0; tol=""
  [[ ${4:-} == --loss-rel ]] && tol=${5:?TOL}
  worst=0
  within() {  # file A, file B: every column but seconds equal, loss/gap/lyapunov within tol (relative)
    awk -F, -v tol="$tol" 'FNR==1 {file++} /^#/ {c[file]=c[file] $0 "\n"; next}
      file==1 && !h1 {h1=1; for (i=1;i<=NF;i++) name[i]=$i; nf=NF; next}
      file==2 && !h2 {h2=1; next}
      file==1 {rows++; row[rows]=$0; next}
      {r++; split(row[r], x, ","); if (NF!=nf) bad=1
       for (i=1;i<=NF;i++) { if (name[i]=="seconds" || (x[i] "")==($i "")) continue
         if (name[i]=="loss" || name[i]=="gap" || name[i]=="lyapunov") {
           loss=0; for (k=1;k<=nf;k++) if (name[k]=="loss") loss=x[k]
           s=(loss<0?-loss:loss); v=(x[i]<0?-x[i]:x[i]); if (v>s) s=v
           d=x[i]-$i; if (d<0) d=-d; rel=(s>0?d/s:d); if (name[i]=="loss" && rel>worst) worst=rel
           if (rel<=tol) continue }
         bad=1 } }
      END {if (r!=rows || c[1]!=c[2]) bad=1; printf "%.17g\n", worst; exit bad}' "$1" "$2"
  }
  strip() {  # drop the `seconds` column (found by name in the header line)
    awk -F, 'BEGIN{OFS=","} /^#/ {print; next} !h {for (i=1;i<=NF;i++) if ($i=="seconds") s=i; h=1}
             {out=""; for (i=1;i<=NF;i++) if (i!=s) out=out (out==""&&i==1?"":",") $i; print out}' "$1"
  }
  for f in "$a"/*.csv; do
    g="$b/$(basename "$f")"; count=$((count+1))
    if [[ ! -f $g ]]; then echo "MISSING $g"; bad=1; continue; fi
    if [[ -n $tol ]]; then
      if ! w=$(within "$f" "$g"); then echo "DIFFERS $(basename "$f")"; bad=1; fi
      worst=$(awk -v a="$worst" -v b="$w" 'BEGIN {print (b+0>a+0 ? b : a)}')
    elif ! diff -q <(strip "$f") <(strip "$g") >/dev/null; then echo "DIFFERS $(basename "$f")"; bad=1; fi
  done
  [[ -n $tol ]] && echo "largest relative loss difference: $worst ($(awk -v w="$worst" 'BEGIN {printf "%.1f", w / 2^-53}') x 2^-53)"
  for fl in "$a/failures.txt" "$b/failures.txt"; do [[ -f $fl ]] && { echo "failures in $fl:"; cat "$fl"; }; done
  echo "compared $count traces: $([[ $bad == 0 ]] && echo "identical${tol:+ (loss, gap, lyapunov within $tol)}" || echo DIFFERENT)"
  exit $bad
fi
echo "unknown mode $mode" >&2; exit 2
