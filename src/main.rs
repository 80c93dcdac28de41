fn main() {
    std::process::exit(clausebook::cli::main());
}
