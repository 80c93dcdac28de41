// mimalloc: the build allocates many small strings and values in parallel,
// and a rebuild frees the previous site's; glibc's allocator spent a large
// share of the incremental rebuild in consolidation (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(clausebook::cli::main());
}
