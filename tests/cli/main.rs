//! The `phlo` command line, run as a process: one test binary (it needs the
//! `cli` feature, for `CARGO_BIN_EXE_phlo`).

mod commands;
mod exit_codes;
mod mock;
mod options;
mod support;
