#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| scalegate::fuzzing::suppression_directives(bytes));
