//! `from_env`: one test, so no other thread reads the environment meanwhile.

use plivo_phlo::{Error, PhloClient};

fn field(result: Result<PhloClient, Error>) -> (&'static str, String) {
    match result {
        Err(Error::InvalidInput { field, reason, .. }) => (field, reason),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[test]
fn from_env_reads_and_checks_the_variables() {
    // SAFETY: this test binary has a single test; nothing else touches the environment.
    unsafe {
        std::env::remove_var("PLIVO_AUTH_ID");
        std::env::remove_var("PLIVO_AUTH_TOKEN");
        std::env::remove_var("PLIVO_PHLO_URL");
    }
    assert_eq!(
        field(PhloClient::from_env()),
        ("PLIVO_AUTH_ID", "is not set".to_string())
    );
    unsafe { std::env::set_var("PLIVO_AUTH_ID", "MAXXXXXXXXXXXXXXXXXX") };
    assert_eq!(
        field(PhloClient::from_env()),
        ("PLIVO_AUTH_TOKEN", "is not set".to_string())
    );
    unsafe { std::env::set_var("PLIVO_AUTH_TOKEN", "") };
    assert_eq!(
        field(PhloClient::from_env()),
        ("PLIVO_AUTH_TOKEN", "is set but empty".to_string())
    );
    unsafe { std::env::set_var("PLIVO_AUTH_TOKEN", "secret") };
    let client = PhloClient::from_env().unwrap();
    assert_eq!(client.base_url(), "https://phlorunner.plivo.com/v1");
    assert_eq!(client.auth_id(), "MAXXXXXXXXXXXXXXXXXX");
    unsafe { std::env::set_var("PLIVO_PHLO_URL", "http://127.0.0.1:8080/v1/") };
    assert_eq!(
        PhloClient::from_env().unwrap().base_url(),
        "http://127.0.0.1:8080/v1"
    );
    unsafe { std::env::set_var("PLIVO_PHLO_URL", "http://plivo.example/v1") };
    assert_eq!(field(PhloClient::from_env()).0, "base_url");
    unsafe { std::env::set_var("PLIVO_AUTH_ID", "bogus") };
    assert_eq!(field(PhloClient::from_env()).0, "auth_id");
}
