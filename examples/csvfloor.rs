//! The floor a scan is measured against: the `csv` crate merely parsing the same files
//! (reused `ByteRecord`, no field access). Prints rows and seconds.
//!
//! ```text
//! cargo run --release --example csvfloor -- FILE...
//! ```

use std::time::Instant;

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: csvfloor FILE...");
        std::process::exit(2);
    }
    let t = Instant::now();
    let mut rows = 0u64;
    let mut record = csv::ByteRecord::new();
    for f in &files {
        let mut rdr = match csv::ReaderBuilder::new().flexible(true).from_path(f) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{f}: {e}");
                std::process::exit(2);
            }
        };
        while let Ok(true) = rdr.read_byte_record(&mut record) {
            rows += 1;
        }
    }
    println!("{rows} rows in {:.3} s", t.elapsed().as_secs_f64());
}
