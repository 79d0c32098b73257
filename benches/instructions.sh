#!/usr/bin/env bash
# Instructions a scan executes (valgrind's callgrind, one thread): a count that does not move
# with the machine's load, for comparing builds. Usage: benches/instructions.sh [CANDIDATES]
# (default 10000; about a minute). Writes the corpus to $DIR (default /tmp/hirescreen-ir-N)
# and the profile to $DIR/callgrind.out (read it with callgrind_annotate).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
SEED=${SEED:-7}
DIR=${DIR:-/tmp/hirescreen-ir-$N}
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
cargo build --release --quiet --bin hirescreen --example gen
if [ ! -f "$DIR/applications.csv" ]; then
  target/release/examples/gen --out "$DIR" --candidates "$N" --seed "$SEED" >/dev/null 2>&1
fi
valgrind --tool=callgrind --callgrind-out-file="$DIR/callgrind.out" \
  target/release/hirescreen scan "$DIR/applications.csv" "$DIR/interviews.csv" \
  "$DIR/logins.csv" "$DIR/identities.csv" "$DIR/watchlist.csv" \
  --geoip "$DIR/geo/City.mmdb" --geoip "$DIR/geo/ASN.mmdb" --geoip "$DIR/geo/Anonymous-IP.mmdb" \
  --format jsonl --fail-on never --threads 1 2>&1 >/dev/null | grep -o "Collected : [0-9]*" |
  awk -v n="$N" '{ printf "scan of %d candidates: %.2f G instructions\n", n, $3 / 1e9 }'
