//! Written only against the public API, the way a service that depends on
//! plivo-phlo would test its own call flow with MockPhlo.

use plivo_phlo::{
    Role,
    mock::{Call, MockPhlo},
    types::{MemberAction, MultiPartyCallAction},
};

/// The service under test: escalates a support call to a supervisor.
async fn escalate(
    client: &plivo_phlo::PhloClient,
    customer: &str,
) -> Result<(), plivo_phlo::Error> {
    let mpc = client.multi_party_call(MockPhlo::PHLO_ID, MockPhlo::NODE_ID);
    mpc.add_user("sip:supervisor@phone.plivo.com", Role::Agent, customer)
        .await?;
    mpc.warm_transfer("+14155550100", "sip:supervisor@phone.plivo.com")
        .await?;
    mpc.member(customer).hold().await?;
    mpc.member("sip:supervisor@phone.plivo.com")
        .hangup()
        .await?;
    Ok(())
}

#[tokio::test]
async fn escalation_adds_transfers_holds_and_hangs_up() {
    let mock = MockPhlo::start().await.unwrap();
    escalate(&mock.client(), "+14152225555").await.unwrap();

    let calls = mock.calls();
    assert_eq!(calls.len(), 4);
    match &calls[0] {
        Call::UpdateMultiPartyCall { body, .. } => {
            assert_eq!(body.action, MultiPartyCallAction::Call);
            assert_eq!(body.to.as_str(), "sip:supervisor@phone.plivo.com");
            assert_eq!(body.role, Some(Role::Agent));
            assert_eq!(body.trigger_source.as_str(), "+14152225555");
        }
        other => panic!("expected add user, got {other:?}"),
    }
    match &calls[1] {
        Call::UpdateMultiPartyCall { body, .. } => {
            assert_eq!(body.action, MultiPartyCallAction::WarmTransfer);
            assert_eq!(body.to.as_str(), "+14155550100");
        }
        other => panic!("expected warm transfer, got {other:?}"),
    }
    assert!(
        matches!(&calls[2], Call::UpdateMultiPartyCallMember { member_address, body, .. }
        if member_address == "+14152225555" && body.action == MemberAction::Hold)
    );
    assert!(
        matches!(&calls[3], Call::UpdateMultiPartyCallMember { member_address, body, .. }
        if member_address == "sip:supervisor@phone.plivo.com" && body.action == MemberAction::Hangup)
    );
}

#[tokio::test]
async fn escalation_stops_at_the_first_refusal() {
    let mock = MockPhlo::start().await.unwrap();
    mock.fail_next(
        1,
        plivo_phlo::mock::Fault::status(201)
            .json(serde_json::json!({"api_id": "x", "error": "member not found"})),
    );
    let err = escalate(&mock.client(), "+14152225555").await.unwrap_err();
    assert_eq!(err.api_id(), Some("x"));
    assert_eq!(mock.hits(), 1, "nothing after the refused add-user");
}
