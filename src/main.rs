//! The `pilito-box` executable: the command line, nothing else.

#![cfg_attr(feature = "windows-gui", windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    pilito_box::cli::main()
}
