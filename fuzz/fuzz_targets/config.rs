#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| scalegate::fuzzing::config_files(bytes));
