#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| scalegate::fuzzing::terraform_module(bytes));
