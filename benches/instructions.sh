#!/usr/bin/env bash
# Instructions a scan executes (valgrind's callgrind, one thread): a count that does not move
# with the machine's load, for comparing builds, beside the csv crate merely parsing the same
# files. Usage: benches/instructions.sh [CANDIDATES] (default 10000; about a minute; SPLIT=1
# adds two runs). Writes the corpus to $DIR (default /tmp/hirescreen-ir-N) and the scan's
# profile to $DIR/callgrind.out (read it with callgrind_annotate).
set -euo pipefail
# A relative DIR is the caller's (see scan.sh).
if [ -n "${DIR:-}" ]; then DIR=$(realpath -m -- "$DIR"); fi
cd "$(dirname "$0")/.."
N=${1:-10000}
SEED=${SEED:-7}
DIR=${DIR:-/tmp/hirescreen-ir-$N}
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
cargo build --release --quiet --bin hirescreen --example gen --example csvfloor
if [ ! -f "$DIR/applications.csv" ]; then
  target/release/examples/gen --out "$DIR" --candidates "$N" --seed "$SEED" >/dev/null 2>&1
fi
# Instructions of one command under callgrind (its output discarded).
count() {
  valgrind --tool=callgrind --callgrind-out-file="$1" "${@:2}" 2>&1 >/dev/null |
    grep -o "Collected : [0-9]*" | awk '{ print $3 }'
}
geo=(--geoip "$DIR/geo/City.mmdb" --geoip "$DIR/geo/ASN.mmdb" --geoip "$DIR/geo/Anonymous-IP.mmdb")
others=("$DIR/applications.csv" "$DIR/interviews.csv" "$DIR/identities.csv" "$DIR/watchlist.csv")
scan=$(count "$DIR/callgrind.out" target/release/hirescreen scan "${others[@]}" "$DIR/logins.csv" \
  "${geo[@]}" --format jsonl --fail-on never --threads 1)
floor=$(count /dev/null target/release/examples/csvfloor "${others[@]}" "$DIR/logins.csv")
awk -v n="$N" -v s="$scan" -v f="$floor" 'BEGIN {
  printf "scan of %d candidates: %.2f G instructions\n", n, s / 1e9
  printf "csv parse floor (the same files): %.2f G (scan/floor %.1fx)\n", f / 1e9, s / f }'
# SPLIT=1 also scans without the sign-ins: what the sign-ins add, against what merely parsing
# them costs, and the rest (applications, interviews, linking, facts, rules, report).
if [ "${SPLIT:-0}" = 1 ]; then
  rest=$(count /dev/null target/release/hirescreen scan "${others[@]}" "${geo[@]}" \
    --format jsonl --fail-on never --threads 1)
  rest_floor=$(count /dev/null target/release/examples/csvfloor "${others[@]}")
  awk -v s="$scan" -v f="$floor" -v r="$rest" -v rf="$rest_floor" 'BEGIN {
    printf "without sign-ins: %.2f G, floor %.2f G (%.1fx)\n", r / 1e9, rf / 1e9, r / rf
    printf "what sign-ins add: %.2f G, floor %.2f G (%.1fx)\n", (s - r) / 1e9, (f - rf) / 1e9, (s - r) / (f - rf) }'
fi
