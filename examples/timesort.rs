//! Sorts a CSV file's records by one column's text (stably), as a real export in time order
//! would have them: the benchmark's time-order corpus sorts sign-ins and interviews this way
//! (ISO-8601 UTC times sort as text). Reads the whole file: a benchmark tool, not a product
//! one. Quoted line breaks (interview notes) stay inside their records.
//!
//! ```text
//! cargo run --release --example timesort -- COLUMN IN OUT
//! ```

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [column, input, output] = args.as_slice() else {
        eprintln!("usage: timesort COLUMN IN OUT");
        std::process::exit(2);
    };
    if let Err(e) = sort(column, input, output) {
        eprintln!("timesort: {e}");
        std::process::exit(1);
    }
}

fn sort(column: &str, input: &str, output: &str) -> Result<(), Box<dyn std::error::Error>> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_path(input)?;
    let headers = rdr.byte_headers()?.clone();
    let at = headers
        .iter()
        .position(|h| h == column.as_bytes())
        .ok_or_else(|| format!("{input} has no column {column}"))?;
    let mut records = rdr.byte_records().collect::<Result<Vec<_>, _>>()?;
    records.sort_by(|a, b| a.get(at).cmp(&b.get(at)));
    let mut w = csv::WriterBuilder::new().flexible(true).from_path(output)?;
    w.write_byte_record(&headers)?;
    for r in &records {
        w.write_byte_record(r)?;
    }
    w.flush()?;
    Ok(())
}
