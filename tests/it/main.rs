//! The integration tests: one binary, a module per concept. Tests that need
//! a process of their own stay apart: `tests/env.rs` (it sets environment
//! variables) and `tests/body_limit.rs` (it measures the process's peak
//! memory); the `phlo` command line is `tests/cli/`.

mod addresses;
mod bad_input;
mod by_name;
mod call_options;
mod callbacks;
mod downstream;
mod every_operation;
mod faults;
mod generated_code;
mod mock_phlo;
mod mock_support;
mod network_faults;
mod operations;
mod retry;
mod schemas;
mod secrets;
mod tracing;
mod typed_mocks;
mod wire;
mod wire_members;
mod wire_support;
