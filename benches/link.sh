#!/usr/bin/env bash
# Times the link stage and the whole scan on generated corpora (README "## Linking").
#
#   benches/link.sh [SIZE...]        # default: 100000 1000000
#
# For each size: generates a seeded corpus with the project's generator (tools/gen.md) in
# $TMPDIR, scans it with the release binary under /usr/bin/time -v with HIRESCREEN_TIMINGS=1
# (stage timings on stderr), prints one Markdown table row, and deletes the corpus (1M
# candidates take 5.6 GB of disk). Set KEEP=1 to keep the corpora. Not a test: nothing here
# asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100000 1000000)
tmp=${TMPDIR:-/tmp}
cargo build --release --quiet --bin hirescreen --example gen
echo "| candidates | link keys | resume MinHash/LSH | clusters | link total | RSS before → after link | facts+rules | scan wall | scan peak RSS |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
    dir="$tmp/hirescreen-bench-$n"
    ./target/release/examples/gen --out "$dir" --candidates "$n" --seed 1 >/dev/null 2>&1
    log="$dir.time"
    HIRESCREEN_TIMINGS=1 /usr/bin/time -v ./target/release/hirescreen scan "$dir" \
        --geoip "$dir/geo/City.mmdb" --geoip "$dir/geo/ASN.mmdb" \
        --geoip "$dir/geo/Anonymous-IP.mmdb" --watchlist "$dir/watchlist.csv" \
        --format jsonl --fail-on never --output "$dir.jsonl" 2>"$log"
    t() { awk -v k="timing $1" 'index($0, k" ") { print $(NF-1) " s" }' "$log" | head -1; }
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.2f GB", $2 / 1048576 }' "$log")
    mem=$(awk '/memory before link/ { print $5 " → " $9 " MB" }' "$log")
    echo "| $n | $(t link.keys) | $(t link.resume) | $(t link.clusters) | $(t link) | $mem | $(t facts+rules) | $wall | $rss |"
    tail -1 "$dir.jsonl" | python3 -c 'import json, sys
l = json.load(sys.stdin)["summary"]["link"]
print("  links", l["links"], "clusters", l["clusters"], "resume pairs checked", l["resume_pairs_checked"], "capped", l["capped_by_key"], file=sys.stderr)' || true
    if [ "${KEEP:-0}" != 1 ]; then rm -rf "$dir" "$dir.jsonl" "$log"; fi
done
