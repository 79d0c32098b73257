#!/usr/bin/env bash
# End-to-end speed of the release binary on generated data, beside the floor: the csv crate
# merely parsing the same files. Usage: benches/scan.sh [CANDIDATES] (default 100000).
# Logins and interviews scale with the generator's defaults (20 and 3 per candidate).
# Writes the corpus to $DIR (default /tmp/hirescreen-bench-N) and keeps it for reruns.
# RUNS=n repeats the timing (see below); ORDER=time sorts the sign-ins and the interviews by
# time first.
set -euo pipefail
# A relative DIR is the caller's: made absolute before moving to the project (the time-sorted
# copy links to the corpus by this path).
if [ -n "${DIR:-}" ]; then DIR=$(realpath -m -- "$DIR"); fi
cd "$(dirname "$0")/.."
N=${1:-100000}
SEED=${SEED:-42}
DIR=${DIR:-/tmp/hirescreen-bench-$N}
cargo build --release --quiet --bin hirescreen --example gen --example csvfloor --example timesort
if [ ! -f "$DIR/applications.csv" ]; then
  target/release/examples/gen --out "$DIR" --candidates "$N" --seed "$SEED" >/dev/null
fi
# ORDER=time scans the same corpus with sign-ins and interviews sorted by time, as real
# exports are (the generator writes each candidate's rows together, which is kinder to caches).
# The sorted copy is written once, beside the corpus, in $DIR-time.
if [ "${ORDER:-grouped}" = time ]; then
  # Redone when a sort was cut short (a sorted file is written under .part, then renamed) or
  # the corpus was written again after it.
  if [ ! -f "$DIR-time/logins.csv" ] || [ ! -f "$DIR-time/interviews.csv" ] \
    || [ -L "$DIR-time/interviews.csv" ] || [ "$DIR/logins.csv" -nt "$DIR-time/logins.csv" ] \
    || [ "$DIR/interviews.csv" -nt "$DIR-time/interviews.csv" ]; then
    mkdir -p "$DIR-time"
    for f in applications.csv identities.csv watchlist.csv geo; do
      ln -sfn "$DIR/$f" "$DIR-time/$f"
    done
    # One line per sign-in (the generator quotes no line breaks); ISO-8601 UTC times sort
    # as text.
    { head -n 1 "$DIR/logins.csv"; tail -n +2 "$DIR/logins.csv" | LC_ALL=C sort -t, -k1,1 -S 40%; } \
      > "$DIR-time/logins.csv.part"
    mv "$DIR-time/logins.csv.part" "$DIR-time/logins.csv"
    # Interview notes hold quoted line breaks: sorted as CSV records.
    rm -f "$DIR-time/interviews.csv"
    target/release/examples/timesort started_at "$DIR/interviews.csv" "$DIR-time/interviews.csv.part"
    mv "$DIR-time/interviews.csv.part" "$DIR-time/interviews.csv"
  fi
  DIR="$DIR-time"
fi
inputs=("$DIR/applications.csv" "$DIR/interviews.csv" "$DIR/logins.csv" "$DIR/identities.csv" "$DIR/watchlist.csv")
size=$(du -cbL "${inputs[@]}" | tail -1 | cut -f1)
rows=$(cat "${inputs[@]}" | wc -l)
echo "corpus: $N candidates, $rows lines, $((size / 1000000)) MB in $DIR"
# Warm the page cache so both runs read from memory.
cat "${inputs[@]}" > /dev/null
# RUNS=n alternates floor and scan n times (the machine's speed drifts; alternating keeps the
# pair comparable) and reports each pair's ratio and the median ratio.
RUNS=${RUNS:-1}
ratios=()
for run in $(seq "$RUNS"); do
  floor=$( { /usr/bin/time -f "%e %M %U %S" target/release/examples/csvfloor "${inputs[@]}" >/dev/null; } 2>&1 | tail -1)
  scan=$( { /usr/bin/time -f "%e %M %U %S" target/release/hirescreen scan "${inputs[@]}" \
    --geoip "$DIR/geo/City.mmdb" --geoip "$DIR/geo/ASN.mmdb" --geoip "$DIR/geo/Anonymous-IP.mmdb" \
    --format jsonl --fail-on never >/dev/null; } 2>&1 | tail -1)
  read -r floor_s floor_kb floor_user floor_sys <<<"$floor"
  read -r scan_s scan_kb scan_user scan_sys <<<"$scan"
  [ "$RUNS" -gt 1 ] && echo "run $run:"
  # Processor time beside wall time: the scan uses both cores, the floor one; system time is
  # mostly the kernel giving the process fresh memory (slow to touch first on this machine).
  echo "csv parse floor: ${floor_s} s, peak ${floor_kb} KB (processor: user ${floor_user} s, system ${floor_sys} s)"
  echo "hirescreen scan: ${scan_s} s, peak ${scan_kb} KB (processor: user ${scan_user} s, system ${scan_sys} s)"
  ratio=$(awk -v s="$scan_s" -v f="$floor_s" 'BEGIN { printf "%.1f", s / f }')
  echo "ratio scan/floor: ${ratio}x"
  ratios+=("$ratio")
done
if [ "$RUNS" -gt 1 ]; then
  printf '%s\n' "${ratios[@]}" | sort -n |
    awk '{ r[NR] = $1 } END { m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2;
      printf "median ratio over %d runs: %.1fx (%.1f-%.1f)\n", NR, m, r[1], r[NR] }'
fi
