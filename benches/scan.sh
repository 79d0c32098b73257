#!/usr/bin/env bash
# End-to-end speed of the release binary on generated data, beside the floor: the csv crate
# merely parsing the same files. Usage: benches/scan.sh [CANDIDATES] (default 100000).
# Logins and interviews scale with the generator's defaults (20 and 3 per candidate).
# Writes the corpus to $DIR (default /tmp/hirescreen-bench-N) and keeps it for reruns.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
SEED=${SEED:-42}
DIR=${DIR:-/tmp/hirescreen-bench-$N}
cargo build --release --quiet --bin hirescreen --example gen --example csvfloor
if [ ! -f "$DIR/applications.csv" ]; then
  target/release/examples/gen --out "$DIR" --candidates "$N" --seed "$SEED" >/dev/null
fi
inputs=("$DIR/applications.csv" "$DIR/interviews.csv" "$DIR/logins.csv" "$DIR/identities.csv" "$DIR/watchlist.csv")
size=$(du -cb "${inputs[@]}" | tail -1 | cut -f1)
rows=$(cat "${inputs[@]}" | wc -l)
echo "corpus: $N candidates, $rows lines, $((size / 1000000)) MB in $DIR"
# Warm the page cache so both runs read from memory.
cat "${inputs[@]}" > /dev/null
floor=$( { /usr/bin/time -f "%e %M" target/release/examples/csvfloor "${inputs[@]}" >/dev/null; } 2>&1 | tail -1)
scan=$( { /usr/bin/time -f "%e %M" target/release/hirescreen scan "${inputs[@]}" \
  --geoip "$DIR/geo/City.mmdb" --geoip "$DIR/geo/ASN.mmdb" --geoip "$DIR/geo/Anonymous-IP.mmdb" \
  --format jsonl --fail-on never >/dev/null; } 2>&1 | tail -1)
read -r floor_s floor_kb <<<"$floor"
read -r scan_s scan_kb <<<"$scan"
echo "csv parse floor: ${floor_s} s, peak ${floor_kb} KB"
echo "hirescreen scan: ${scan_s} s, peak ${scan_kb} KB"
awk -v s="$scan_s" -v f="$floor_s" 'BEGIN { printf "ratio scan/floor: %.1fx\n", s / f }'
