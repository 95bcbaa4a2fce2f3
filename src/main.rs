//! The `pilito-box` executable: the command line, nothing else.

fn main() -> std::process::ExitCode {
    pilito_box::cli::main()
}
