//! The `hirescreen` binary: parse arguments, run, map the outcome to an exit code
//! (0 clear of --fail-on, 1 at or above it, 2 usage or input error).

use clap::Parser;
use hirescreen::cli::{self, Cli};

fn main() {
    no_transparent_huge_pages();
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

/// Turns transparent huge pages off for this process. The allocator returns freed memory
/// to the system and takes it again as a scan moves from file to file; with huge pages each
/// such fault cleared 2 MB. When this was added it was over a tenth of a scan's time in
/// profiles (`sys` time fell from 2.8 s to 1.1 s on the 100k benchmark corpus, wall time by
/// about 1 s). After later changes cut the allocation churn, on and off measured the same at
/// 100k and could not be told apart in the noise at 1M; it is kept for the steadier `sys` time.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integers and touches no memory of
    // ours; a kernel without it returns an error, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

// Parsing allocates many small values on several threads, where glibc's allocator showed up
// in profiles (malloc, free and consolidation, ~20%). Its effect alone was not isolated: the
// README's Speed figures are with it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
