//! libFuzzer target: one client text frame through every feed's decoder (see `harness.rs`).

#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::client_frame(data));
