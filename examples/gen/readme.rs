//! `README.md` for a generated folder: what each file is, that it is synthetic, the exact
//! command that reproduces it, and — for small corpora — which candidate is which persona.
//! Deterministic like everything else (no timings, no dates).

use std::collections::BTreeMap;
use std::error::Error;
use std::fmt::Write as _;
use std::path::Path;

use super::persona::P;

/// Candidates up to this count get one table row each.
const TABLE_LIMIT: u64 = 200;

pub struct Facts<'a> {
    pub command: String,
    pub candidates: u64,
    pub interviews: u64,
    pub logins: u64,
    pub identities: u64,
    pub watchlist: usize,
    pub ranges: usize,
    pub personas: &'a BTreeMap<P, u64>,
}

/// `| a | b |` with `|` in cells escaped.
fn row(cells: &[&str]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
    format!("| {} |\n", cells.join(" | "))
}

pub fn write(out: &Path, f: &Facts) -> Result<(), Box<dyn Error>> {
    let dir = out.display();
    let mut s = String::new();
    let fraud: u64 = f
        .personas
        .iter()
        .filter(|(p, _)| p.info().fraud)
        .map(|(_, n)| n)
        .sum();
    writeln!(
        s,
        "# Synthetic screening corpus ({} candidates)\n",
        f.candidates
    )?;
    s.push_str(
        "Everything in this folder is **synthetic**, written by `examples/gen.rs` (see \
         `tools/gen.md`). Names are drawn from mixed-origin pools, the same pools for fraud and \
         honest candidates; emails are at example.com/.org/.net, phones in fictional `555` \
         blocks, street addresses invented. The address plan in `geo/` is invented too and is \
         **not real geolocation**: real city names and coordinates on made-up IP blocks and \
         private-use ASNs. The only real network facts are North Korea's allocation \
         175.45.176.0/22 (AS131279) and the two published Astrill-associated IOC addresses \
         142.214.202.2 and 155.94.199.59, which sit in synthetic VPN blocks. No real person's \
         data.\n\n",
    );
    s.push_str("## Regenerate\n\n```sh\n");
    writeln!(s, "{}", f.command)?;
    writeln!(
        s,
        "# optional: rebuild and check the databases from the plan alone\ncargo run --release --example mkgeo -- {dir}/geo/ranges.csv {dir}/geo --verify"
    )?;
    s.push_str(
        "```\n\nThe same arguments give byte-identical files (the databases carry a fixed build \
         date, 2026-11-01).\n\n## Files\n\n",
    );
    s.push_str(&row(&["file", "rows", "what"]));
    s.push_str("|---|---|---|\n");
    let files: [(&str, String, &str); 9] = [
        ("applications.csv", f.candidates.to_string(), "one row per candidate, canonical columns (SPEC §3.1)"),
        ("interviews.csv", f.interviews.to_string(), "one row per interview session (SPEC §3.2)"),
        ("logins.csv", f.logins.to_string(), "sign-ins (SPEC §3.3); about a third by work account, a few by the application email in odd case"),
        ("identities.csv", f.identities.to_string(), "work account → candidate (SPEC §3.4)"),
        ("watchlist.csv", f.watchlist.to_string(), "a handful of do-not-hire values used by some fraud personas, the DPRK range, decoys (SPEC §3.5)"),
        ("labels.csv", f.candidates.to_string(), "the answer key: `label` fraud/honest, `persona`, `group`. **Not an input** (for `backtest --labels`)"),
        ("geo/ranges.csv", f.ranges.to_string(), "the address plan in `mkgeo` format. **Not an input**"),
        ("geo/City.mmdb, geo/ASN.mmdb, geo/Anonymous-IP.mmdb", String::new(), "MaxMind-format databases built from `geo/ranges.csv` (types `hirescreen-Synthetic-*`)"),
        ("README.md", String::new(), "this file"),
    ];
    for (file, n, what) in &files {
        s.push_str(&row(&[&format!("`{file}`"), n, what]));
    }
    writeln!(
        s,
        "\n## Personas\n\n{fraud} fraud and {} honest candidates. Personas follow \
         `indicators.md` §6 (BC-10 and BC-11 extend §6.2).\n",
        f.candidates - fraud
    )?;
    s.push_str(&row(&["persona", "label", "candidates", "pattern"]));
    s.push_str("|---|---|---|---|\n");
    for (p, n) in f.personas {
        let i = p.info();
        let label = if i.fraud { "fraud" } else { "honest" };
        s.push_str(&row(&[i.code, label, &n.to_string(), i.what]));
    }
    if f.candidates <= TABLE_LIMIT {
        candidate_table(out, &mut s)?;
    }
    std::fs::write(out.join("README.md"), s)?;
    Ok(())
}

/// One row per candidate, read back from the files just written.
fn candidate_table(out: &Path, s: &mut String) -> Result<(), Box<dyn Error>> {
    let mut apps: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut rdr = csv::Reader::from_path(out.join("applications.csv"))?;
    for r in rdr.records() {
        let r = r?;
        let claim = format!("{}, {}", &r[5], &r[7]);
        apps.insert(r[0].to_owned(), (r[1].to_owned(), claim));
    }
    s.push_str("\n## Candidates\n\n");
    s.push_str(&row(&[
        "candidate",
        "name",
        "claims",
        "label",
        "persona",
        "group",
    ]));
    s.push_str("|---|---|---|---|---|---|\n");
    let mut rdr = csv::Reader::from_path(out.join("labels.csv"))?;
    for r in rdr.records() {
        let r = r?;
        let (name, claim) = apps.get(&r[0]).cloned().unwrap_or_default();
        s.push_str(&row(&[&r[0], &name, &claim, &r[1], &r[2], &r[3]]));
    }
    Ok(())
}
