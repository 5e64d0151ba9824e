#!/usr/bin/env bash
# `commopt data fetch` against a local HTTP server on 127.0.0.1 (tests/range_http_server.py, which
# answers Range requests and breaks the first transfer of each file after 1000 bytes) serving a small
# LIBSVM file, with a test catalogue (COMMOPT_DATA_CATALOGUE) that records its size and sha256:
# interrupted transfer kept as .partial (exit 1) then resumed with `Range: bytes=1000-` into a file
# equal to the served one; checksum pass; checksum mismatch (exit 2, named, nothing kept); checksum not
# recorded (said so); not LIBSVM (exit 2, nothing kept); refusal to overwrite and --force; a file://
# mirror directory with a resumed prefix; a server that ignores Range (restarted from byte 0); the
# built-in table against the shared/datasets copies; no progress output off a terminal; the
# not-found message of a catalogued dataset names `commopt data fetch NAME`.
# usage: data_fetch.sh COMMOPT_BINARY SOURCE_DIR
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
source "$(dirname "$0")/check_lib.sh"

mkdir -p "$tmp/srv/binary" "$tmp/dest" "$tmp/dest2" "$tmp/mirror"
for i in $(seq 1 300); do echo "$(( i % 2 * 2 - 1 )) 1:0.$i 3:$((i % 7)) 5:1"; done > "$tmp/srv/binary/tiny"
echo "hello, this is not LIBSVM" > "$tmp/srv/binary/junk"
sha=$(sha256sum < "$tmp/srv/binary/tiny" | cut -d' ' -f1)
size=$(stat -c %s "$tmp/srv/binary/tiny")
cat > "$tmp/catalogue" <<CAT
tiny   binary tiny $sha $size
badsum binary tiny 0000000000000000000000000000000000000000000000000000000000000000 $size
nosum  binary tiny - -
junk   binary junk - -
gone   binary gone - -
viaxz  binary tiny $sha $size viaxz.xz 1111111111111111111111111111111111111111111111111111111111111111 99
CAT
export COMMOPT_DATA_CATALOGUE=$tmp/catalogue

python3 "$src/tests/range_http_server.py" "$tmp/srv" "$tmp/port" "$tmp/log" --cut 1000 &
server=$!
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
url="http://127.0.0.1:$(cat "$tmp/port")"
fetch() { "$bin" data fetch "$@" --data-dir "$tmp/dest" -q > "$tmp/out" 2>&1; echo $? > "$tmp/rc"; cat "$tmp/out"; }
rc() { cat "$tmp/rc"; }

# 1. The first transfer breaks after 1000 bytes: exit 1, the prefix kept as tiny.partial, no tiny.
fetch tiny --from "$url"
check "broken transfer exits 1" [ "$(rc)" = 1 ]
check "broken transfer keeps 1000 bytes in tiny.partial" [ "$(stat -c %s "$tmp/dest/tiny.partial" 2>/dev/null)" = 1000 ]
check "broken transfer leaves no tiny" [ ! -e "$tmp/dest/tiny" ]
check "broken transfer says how to resume" grep -q "run the same command again to resume" "$tmp/out"

# 2. Again: resumed with a Range request, verified, equal to the served file, no .partial left.
fetch tiny --from "$url"
check "resumed fetch exits 0" [ "$(rc)" = 0 ]
check "server saw Range: bytes=1000- answered 206" grep -q "^GET /binary/tiny bytes=1000- 206$" "$tmp/log"
check "resumed file equals the served file" cmp -s "$tmp/dest/tiny" "$tmp/srv/binary/tiny"
check "no .partial after success" [ ! -e "$tmp/dest/tiny.partial" ]
check "checksum verified" grep -q "size and sha256 verified" "$tmp/out"
check "says it resumed at byte 1000" grep -q "at byte 1000" "$tmp/out"

# 3. A good file is not overwritten; --force fetches again.
requests=$(wc -l < "$tmp/log")
fetch tiny --from "$url"
check "existing good file: exit 0" [ "$(rc)" = 0 ]
check "existing good file: not replaced, says so" grep -q "already there and matches its sha256; not replaced" "$tmp/out"
check "existing good file: no request made" [ "$requests" = "$(wc -l < "$tmp/log")" ]
fetch tiny --from "$url" --force
check "--force fetches again" [ "$(rc)" = 0 ] && check "--force made a request" [ "$(wc -l < "$tmp/log")" -gt "$requests" ]

# 4. Checksum mismatch: exit 2, the file named, nothing kept.
fetch badsum --from "$url"
check "checksum mismatch exits 2" [ "$(rc)" = 2 ]
check "checksum mismatch names the file" grep -q "checksum mismatch for badsum" "$tmp/out"
check "checksum mismatch keeps nothing" [ -z "$(ls "$tmp/dest" | grep badsum)" ]

# 5. Checksum not recorded: fetched, parsed, and said to be unverified.
fetch nosum --from "$url"
check "no checksum: exit 0" [ "$(rc)" = 0 ]
check "no checksum: says unverified" grep -q "checksum not recorded, so unverified" "$tmp/out"
check "no checksum: parsed" grep -q "300 rows, 5 features" "$tmp/out"

# 6. Not LIBSVM: exit 2, nothing kept.
fetch junk --from "$url"
check "not LIBSVM exits 2" [ "$(rc)" = 2 ]
check "not LIBSVM keeps nothing" [ -z "$(ls "$tmp/dest" | grep junk)" ]

# 6b. Nowhere on the server: exit 2 naming every URL tried. A mirror copy (viaxz.xz) missing: HTTP
# 404, then the LIBSVM layout (binary/tiny) is used and checked against its own sha256.
fetch gone --from "$url"
check "not on the server: exit 2" [ "$(rc)" = 2 ]
check "not on the server: lists the URLs tried" grep -q "gone not found at $url/binary/gone (HTTP 404), $url/gone (HTTP 404)" "$tmp/out"
fetch viaxz --from "$url"
check "missing mirror copy: falls back to binary/tiny, verified" grep -q "from $url/binary/tiny: .*size and sha256 verified" "$tmp/out"
check "missing mirror copy: the server saw /viaxz.xz (404)" grep -q "^GET /viaxz.xz - 404$" "$tmp/log"

# 6c. No server at all (connection refused): exit 1, says nothing was downloaded, leaves no .partial.
fetch nosum --from "http://127.0.0.1:1" --force
check "no server: exit 1" [ "$(rc)" = 1 ]
check "no server: says nothing was downloaded" grep -q "nothing downloaded: check the network" "$tmp/out"
check "no server: no .partial left" [ ! -e "$tmp/dest/nosum.partial" ]
check "no server: --force kept the existing nosum" cmp -s "$tmp/dest/nosum" "$tmp/srv/binary/tiny"

# 6d. Another process holds the partial file (flock): refused with exit 1, the file left alone.
head -c 300 "$tmp/srv/binary/tiny" > "$tmp/dest/locked.partial"
cat >> "$tmp/catalogue" <<CAT
locked binary tiny $sha $size
CAT
flock "$tmp/dest/locked.partial" sleep 1.5 &
sleep 0.3
fetch locked --from "$url"
check "partial file locked by another process: exit 1" [ "$(rc)" = 1 ]
check "partial file locked: says so" grep -q "being written by another process" "$tmp/out"
check "partial file locked: left alone" [ "$(stat -c %s "$tmp/dest/locked.partial")" = 300 ]
wait $!

# 7. A mirror directory (file:// through libcurl), resuming a 700-byte prefix.
head -c 700 "$tmp/srv/binary/tiny" > "$tmp/dest2/tiny.partial"
"$bin" data fetch tiny --from "$tmp/srv" --data-dir "$tmp/dest2" -q > "$tmp/out" 2>&1
check "mirror directory: exit 0" [ $? = 0 ]
check "mirror directory: resumed at byte 700" grep -q "at byte 700" "$tmp/out"
check "mirror directory: file equals the served one" cmp -s "$tmp/dest2/tiny" "$tmp/srv/binary/tiny"

# 8. A server that ignores Range (answers 200 with the whole file): the prefix is dropped, not
# duplicated, and the result equals the served file.
python3 "$src/tests/range_http_server.py" "$tmp/srv" "$tmp/port2" "$tmp/log2" --no-range &
server2=$!
for _ in $(seq 1 100); do [ -s "$tmp/port2" ] && break; sleep 0.05; done
mkdir -p "$tmp/dest3"
head -c 700 "$tmp/srv/binary/tiny" > "$tmp/dest3/tiny.partial"
"$bin" data fetch tiny --from "http://127.0.0.1:$(cat "$tmp/port2")" --data-dir "$tmp/dest3" -q > "$tmp/out" 2>&1
check "range ignored: exit 0" [ $? = 0 ]
check "range ignored: the server got a Range request and answered 200" grep -q "^GET /binary/tiny bytes=700- 200$" "$tmp/log2"
check "range ignored: file equals the served one" cmp -s "$tmp/dest3/tiny" "$tmp/srv/binary/tiny"
kill "$server2"

# 9. The built-in table: the shared/datasets xz copy of a1a matches its recorded size and sha256.
unset COMMOPT_DATA_CATALOGUE
if [ -e "$src/../shared/datasets/a1a.xz" ]; then
  "$bin" data fetch a1a --from "$src/../shared/datasets" --data-dir "$tmp/mirror" > "$tmp/out" 2>&1
  check "built-in table: a1a.xz from shared/datasets verified" grep -q "size and sha256 verified" "$tmp/out"
  check "no progress line when stderr is not a terminal (no -q)" [ "$(tr -cd '\r' < "$tmp/out" | wc -c)" = 0 ]
  # A mirror in the LIBSVM layout holding the uncompressed a1a: no sha256 recorded for that file,
  # but its text is compared with the shipped copy's; --json - gives the record on stdout.
  mkdir -p "$tmp/libsvm/binary" "$tmp/dest4"
  xz -dc "$src/../shared/datasets/a1a.xz" > "$tmp/libsvm/binary/a1a"
  "$bin" data fetch a1a --from "$tmp/libsvm" --data-dir "$tmp/dest4" --json - > "$tmp/json" 2> "$tmp/out"
  check "LIBSVM-layout mirror: text equals the shipped copy" grep -q "its text equals the shared/datasets copy" "$tmp/out"
  check "--json - : stdout is the JSON record" python3 -c "
import json, sys
r = json.load(open('$tmp/json'))['datasets']
assert r[0]['name'] == 'a1a' and r[0]['checksum'] == 'not recorded' and r[0]['same_text_as_shipped'] is True, r
assert r[0]['rows'] == 1605, r"
fi

# 10. A dataset of the table that is nowhere on the search path: the error names the fetch command.
mkdir -p "$tmp/empty"
"$bin" data info real-sim --data-dir "$tmp/empty" > "$tmp/out" 2>&1
check "missing real-sim: exit 2" [ $? = 2 ]
check "missing real-sim: says \`commopt data fetch real-sim\`" grep -q "commopt data fetch real-sim" "$tmp/out"

finish
