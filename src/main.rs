// mimalloc: the build allocates many small strings and values in parallel,
// and a rebuild frees the previous site's; glibc's allocator spent a large
// share of the incremental rebuild in consolidation (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc options (`mi_option_e` in mimalloc.h, the same in its v2 and v3).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    let cli = match clausebook::cli::parse() {
        Ok(c) => c,
        Err(code) => std::process::exit(code),
    };
    // Commit arena memory on use. A command that builds once also gives
    // freed memory back at once: the peak memory of a 10,000-document build
    // drops from about 480 to 360 MiB, at the same speed. `serve` keeps
    // mimalloc's delay (1 s) instead: each rebuild frees and allocates
    // again much of what the previous one did, and taking that memory back
    // from the system made a front-matter rebuild at 10,000 documents about
    // a third slower (page faults).
    // SAFETY: plain setters of global options, called before any thread.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
        if !cli.command.is_long_running() {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        }
    }
    std::process::exit(clausebook::cli::run(cli));
}
