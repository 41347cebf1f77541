//! A YAML document builder over `granit-parser` events: spans for every node,
//! Kubernetes' YAML 1.1 scalar typing, merge keys, and alias expansion under a
//! node budget.
