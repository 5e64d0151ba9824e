#!/usr/bin/env bash
# The bytes the MPI backend hands to MPI are the encoded messages: per round, ceil(bits/8) bytes
# per message (bits from the trace, i.e. from the encoder), plus framing reported separately: a
# fixed header per worker and one per rank per round up (32 and 32 bytes) and per broadcast down
# (24 bytes).
# usage: mpi_bytes.sh COMMOPT MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail
commopt=$1
shift
mpiexec=("$@")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=4 np=2 rounds=10
field() { sed -n "s/^ *\"$1\": \\([0-9]*\\),\\{0,1\\}$/\\1/p" "$2" | head -1; }
fail=0
# topk[k=1] on a1a (d = 119): a 32-bit value and a 7-bit index, 39 bits, not whole bytes.
for case in 'gd|identity' 'ef21|topk[k=1]' 'ef21|topk[k=3]' 'dasha|randk[k=2]'; do
  IFS='|' read -r method comp <<<"$case"
  out=$tmp/run.csv
  comp_arg=()
  [ "$comp" != identity ] && comp_arg=(--compressor "$comp")
  "${mpiexec[@]}" -np $np "$commopt" run --backend mpi --problem 'logreg[data=a1a]' --workers $n --method "$method" \
    "${comp_arg[@]}" --rounds $rounds --log-every 1 --quiet --force --out "$out"
  # Every worker sends the same number of bits in a round here, so the per-message bits of round t
  # are the increase of the per-worker mean bits_up (bits_down: the broadcast's bits).
  expect=$(awk -F, -v n=$n 'NR > 1 { du = $3 - up; dd = $5 - down; up = $3; down = $5;
                                      pu += n * int((du + 7) / 8); pd += int((dd + 7) / 8) }
                            END { printf "%d %d", pu, pd }' "$out")
  got="$(field payload_bytes_up "${out%.csv}.json") $(field payload_bytes_down "${out%.csv}.json")"
  framing="$(field framing_bytes_up "${out%.csv}.json") $(field framing_bytes_down "${out%.csv}.json")"
  per_up=$(field framing_bytes_per_upload "${out%.csv}.json") per_down=$(field framing_bytes_per_broadcast "${out%.csv}.json")
  per_rank=$(field framing_bytes_per_rank "${out%.csv}.json")
  want_framing="$(((per_up * n + per_rank * np) * (rounds + 1))) $((per_down * rounds))"
  if [ "$got" = "$expect" ] && [ "$framing" = "$want_framing" ]; then
    echo "ok   $method $comp: payload up/down $got bytes = sum of ceil(bits/8); framing up/down $framing bytes ($per_up per upload + $per_rank per rank / $per_down per broadcast)"
  else
    echo "FAIL $method $comp: payload up/down $got (expected $expect), framing $framing (expected $want_framing)"
    fail=1
  fi
done
exit $fail
