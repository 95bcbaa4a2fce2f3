//! Rebuilds the executable when the agent page changes: `include_dir!` embeds `assets/web`, but
//! cargo cannot see which files a macro read.

fn main() {
    println!("cargo:rerun-if-changed=assets/web");
}
