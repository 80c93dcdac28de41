// mimalloc: the build allocates many small strings and values in parallel,
// and a rebuild frees the previous site's; glibc's allocator spent a large
// share of the incremental rebuild in consolidation (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc options (`mi_option_e` in mimalloc.h of its v3, which
/// libmimalloc-sys builds unless its `v2` feature is on).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// How long `serve` keeps freed memory before giving it back.
const SERVE_PURGE_DELAY_MS: std::ffi::c_long = 60_000;

fn main() {
    let cli = match clausebook::cli::parse() {
        Ok(c) => c,
        Err(code) => std::process::exit(code),
    };
    // A command that builds once commits arena memory on use, gives freed
    // memory back after 100 ms (not mimalloc's 1 s) and does without
    // transparent huge pages. Measured on a 10,000-document build against
    // giving memory back at once with huge pages: 11 % less wall time, 30 %
    // less system time (fewer pages to zero on fault), and a peak of 383
    // MiB instead of 422. `serve` keeps mimalloc's eager arena commit and
    // gives freed memory back only after a minute: each rebuild frees and
    // allocates again much of what the previous one did. Giving it back at
    // once made a front-matter rebuild at 10,000 documents about a third
    // slower, and committing on use about a tenth; with mimalloc's 1 s
    // delay, a save after a pause of a few seconds (an author reading the
    // page) still found that memory given back: 60 s instead took such a
    // rebuild from 67 to 56 ms (median of 16), for about 50 MiB more
    // resident while editing.
    // SAFETY: plain setters of global options, called before any thread.
    unsafe {
        if cli.command.is_long_running() {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, SERVE_PURGE_DELAY_MS);
        } else {
            libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 100);
            // mimalloc decides on huge pages when it starts, before main:
            // the process turns them off itself.
            #[cfg(target_os = "linux")]
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
    std::process::exit(clausebook::cli::run(cli));
}
