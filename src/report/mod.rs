//! Report writers, one per output format (DESIGN.md §7).
