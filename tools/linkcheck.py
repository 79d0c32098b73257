#!/usr/bin/env python3
"""Checks linking against a generated corpus's answer key (tools/gen.md).

    hirescreen scan DIR --format jsonl > scan.jsonl
    python3 tools/linkcheck.py DIR/labels.csv scan.jsonl

For every `farm-N` and `rotation-N` group: are all members in one cluster, and escalated?
For every `agency-N` and `household-N` group: is any member escalated? Also: clusters that
hold no fraud member, honest candidates escalated by a reuse rule, and the summary's link
counts. Exit 1 when a farm or rotation group is split or not escalated, or an agency or
household member is escalated.
"""
import csv
import json
import sys
from collections import Counter, defaultdict


def main(labels_path, scan_path):
    labels = {}
    groups = defaultdict(list)
    with open(labels_path, newline="") as f:
        for r in csv.DictReader(f):
            labels[r["candidate_id"]] = r
            if r["group"]:
                groups[r["group"]].append(r["candidate_id"])
    out, summary = {}, None
    with open(scan_path) as f:
        for line in f:
            o = json.loads(line)
            if "summary" in o:
                summary = o["summary"]
            else:
                out[o["candidate_id"]] = o
    bad = 0
    stats = Counter()
    for g, members in sorted(groups.items()):
        kind = g.rsplit("-", 1)[0]
        clusters = {(out[m]["cluster"] or {}).get("id") for m in members}
        verdicts = [out[m]["verdict"] for m in members]
        if kind in ("farm", "rotation"):
            one = len(clusters) == 1 and None not in clusters
            esc = all(v == "escalate" for v in verdicts)
            stats[f"{kind} groups"] += 1
            stats[f"{kind} groups in one cluster"] += one
            stats[f"{kind} groups all escalated"] += esc
            if not (one and esc):
                bad += 1
                print(f"MISS {g}: clusters {clusters} verdicts {verdicts}", file=sys.stderr)
        else:
            esc = [m for m, v in zip(members, verdicts) if v == "escalate"]
            stats[f"{kind} groups"] += 1
            stats[f"{kind} members"] += len(members)
            stats[f"{kind} members escalated"] += len(esc)
            stats[f"{kind} members review"] += sum(v == "review" for v in verdicts)
            if esc:
                bad += 1
                for m in esc:
                    rules = [x["rule"] for x in out[m]["findings"]]
                    print(f"ESCALATED {g} {m}: {rules}", file=sys.stderr)
    # Clusters with no fraud member, and honest candidates escalated by reuse rules.
    by_cluster = defaultdict(set)
    for cid, o in out.items():
        if o["cluster"]:
            by_cluster[o["cluster"]["id"]].add(cid)
    honest_clusters = [c for c, ms in by_cluster.items()
                       if all(labels[m]["label"] == "honest" for m in ms)]
    explained = sum(1 for c in honest_clusters
                    if out[next(iter(by_cluster[c]))]["cluster"]["explained"])
    stats["clusters"] = len(by_cluster)
    stats["clusters with no fraud member"] = len(honest_clusters)
    stats["  of which fully explained"] = explained
    reuse_honest = Counter()
    for cid, o in out.items():
        if labels[cid]["label"] == "honest" and o["verdict"] == "escalate":
            for x in o["findings"]:
                if x["family"] == "reuse":
                    reuse_honest[(labels[cid]["persona"], x["rule"])] += 1
    for k, v in sorted(stats.items()):
        print(f"{k}: {v}")
    if reuse_honest:
        print("honest escalated with a reuse finding (persona, rule):")
        for (p, r), n in sorted(reuse_honest.items()):
            print(f"  {p} {r}: {n}")
    fraud = [c for c in out if labels[c]["label"] == "fraud"]
    esc_f = sum(out[c]["verdict"] == "escalate" for c in fraud)
    honest = [c for c in out if labels[c]["label"] == "honest"]
    esc_h = sum(out[c]["verdict"] == "escalate" for c in honest)
    print(f"fraud escalated: {esc_f}/{len(fraud)}; honest escalated: {esc_h}/{len(honest)}")
    if summary:
        print("link summary:", json.dumps({k: v for k, v in summary.get("link", {}).items()
                                           if k != "capped_keys"}))
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
