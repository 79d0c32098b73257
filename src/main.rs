//! The `hirescreen` binary: parse arguments, run, map the outcome to an exit code
//! (0 clear of --fail-on, 1 at or above it, 2 usage or input error).

use clap::Parser;
use hirescreen::cli::{self, Cli};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    match cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            // A closed pipe (`| head`) is not a failure.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                std::process::exit(0);
            }
            eprintln!("hirescreen: error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            std::process::exit(2);
        }
    }
}

// Parsing allocates many small values on several threads, where glibc's allocator showed up
// in profiles (malloc, free and consolidation, ~20%). Its effect alone was not isolated: the
// README's Speed figures are with it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
