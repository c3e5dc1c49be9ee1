//! Facts about each operation, read from `spec/phlo.yaml` by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/phlo_operations.rs"));

/// The method and path template of `operation_id` (e.g. `POST`,
/// `/phlo/{phlo_id}/multi_party_call/{node_id}`).
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(crate) fn template(operation_id: &str) -> &'static str {
    OPERATIONS
        .iter()
        .find(|o| o.0 == operation_id)
        .map_or("", |o| o.2)
}
