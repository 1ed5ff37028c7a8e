//! Benchmark helpers for cloudsig (see `benches/README.md`).
