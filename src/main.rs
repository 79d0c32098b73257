//! The `hirescreen` binary: parse arguments, run, map the outcome to an exit code
//! (0 clear of --fail-on, 1 at or above it, 2 usage or input error).

use clap::Parser;
use hirescreen::cli::{self, Cli};

fn main() {
    keep_freed_memory();
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
            hirescreen::errln!("hirescreen: error: {e}");
            for cause in e.chain().skip(1) {
                hirescreen::errln!("  caused by: {cause}");
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

/// `mi_option_purge_delay` in mimalloc v3's `mi_option_t` (include/mimalloc.h); the -sys
/// crate has no constant for it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Tells the allocator never to hand freed memory back to the system. By default it returns
/// pages idle for a second, and a scan frees and reallocates constantly (record batches,
/// per-row values), so the same memory was returned and faulted in again: at 1M candidates
/// 38-40k page faults and 9-27 s of system time against 3.6k faults and 8 s without, for
/// 1.5% more peak memory (4.88 GB against 4.81). The memory goes back when the process ends.
fn keep_freed_memory() {
    // SAFETY: sets one integer option; mimalloc allows it at any time, from any thread.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
    }
}

#[cfg(test)]
mod tests {
    /// Option 15 is the purge delay: its default is v3's 1000 ms, and `MIMALLOC_PURGE_DELAY`
    /// sets it (the test runs with the variable unset unless the caller sets it).
    #[test]
    fn the_option_set_at_start_up_is_the_purge_delay() {
        let want = std::env::var("MIMALLOC_PURGE_DELAY")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000);
        // SAFETY: reads one integer option.
        let got = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(got, want);
    }
}
