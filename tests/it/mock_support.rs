//! What the MockPhlo-driven test files share.

use std::time::Duration;

use plivo_phlo::{PhloClient, RetryPolicy, mock::MockPhlo};

/// A client on `mock` that retries fast: three attempts, 1 ms apart.
pub fn retrying(mock: &MockPhlo) -> PhloClient {
    mock.client_builder()
        .retry(
            RetryPolicy::exponential()
                .max_attempts(3)
                .base_delay(Duration::from_millis(1))
                .jitter(false),
        )
        .build()
        .unwrap()
}
