//! Wire tests for member actions: the six Multi-Party Call member actions
//! and the three conference-bridge member actions, over phone numbers and
//! SIP addresses (exact raw path, headers, JSON body, and the answer).
//!
//! Each test's name starts with the operationId it covers.

use crate::wire_support::*;
use httpmock::MockServer;
use plivo_phlo::types;
use serde_json::json;

// ---- update MPC member: six actions, phone and SIP addresses ----------------

async fn member_action(address: &str, action: &str) {
    let server = MockServer::start_async().await;
    let path = format!("/v1/phlo/{PHLO}/multi_party_call/{NODE}/members/{address}");
    let api_id = format!("m-{action}");
    let mock = expect_post(
        &server,
        &path,
        json!({ "action": action }),
        201,
        accepted(&api_id),
    )
    .await;
    let mpc = client(&server).multi_party_call(PHLO, NODE);
    let member = mpc.member(address);
    let answer = match action {
        "hold" => member.hold().await,
        "unhold" => member.unhold().await,
        "hangup" => member.hangup().await,
        "resume_call" => member.resume_call().await,
        "voicemail_drop" => member.voicemail_drop().await,
        "abort_transfer" => member.abort_transfer().await,
        other => panic!("no such action {other}"),
    }
    .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.api_id, api_id);
}

macro_rules! member_tests {
    ($($name:ident: $address:expr, $action:literal;)*) => {$(
        #[tokio::test]
        async fn $name() {
            member_action($address, $action).await;
        }
    )*};
}

member_tests! {
    update_multi_party_call_member_hold_phone: PHONE, "hold";
    update_multi_party_call_member_hold_sip: SIP, "hold";
    update_multi_party_call_member_unhold_phone: PHONE, "unhold";
    update_multi_party_call_member_unhold_sip: SIP, "unhold";
    update_multi_party_call_member_hangup_phone: PHONE, "hangup";
    update_multi_party_call_member_hangup_sip: SIP, "hangup";
    update_multi_party_call_member_resume_call_phone: PHONE, "resume_call";
    update_multi_party_call_member_resume_call_sip: SIP, "resume_call";
    update_multi_party_call_member_voicemail_drop_phone: PHONE, "voicemail_drop";
    update_multi_party_call_member_voicemail_drop_sip: SIP, "voicemail_drop";
    update_multi_party_call_member_abort_transfer_phone: PHONE, "abort_transfer";
    update_multi_party_call_member_abort_transfer_sip: SIP, "abort_transfer";
}

#[tokio::test]
async fn update_multi_party_call_member_act_takes_any_action() {
    let server = MockServer::start_async().await;
    let path = format!("/v1/phlo/{PHLO}/multi_party_call/{NODE}/members/{PHONE}");
    let mock = expect_post(
        &server,
        &path,
        json!({"action": "unhold"}),
        201,
        accepted("m-act"),
    )
    .await;
    let answer = client(&server)
        .multi_party_call(PHLO, NODE)
        .member(PHONE)
        .act(types::MemberAction::Unhold)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.api_id, "m-act");
}

// ---- update conference-bridge member: mute, unmute, hangup -------------------

async fn conference_action(address: &str, action: &str) {
    let server = MockServer::start_async().await;
    let path = format!("/v1/phlo/{PHLO}/conference_bridge/{NODE}/members/{address}");
    let api_id = format!("c-{action}");
    let mock = expect_post(
        &server,
        &path,
        json!({ "action": action }),
        201,
        json!({ "api_id": api_id }),
    )
    .await;
    let bridge = client(&server).conference_bridge(PHLO, NODE);
    let member = bridge.member(address);
    let answer = match action {
        "mute" => member.mute().await,
        "unmute" => member.unmute().await,
        "hangup" => member.hangup().await,
        other => panic!("no such action {other}"),
    }
    .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.api_id, api_id);
    assert_eq!(answer.error, None);
}

macro_rules! conference_tests {
    ($($name:ident: $address:expr, $action:literal;)*) => {$(
        #[tokio::test]
        async fn $name() {
            conference_action($address, $action).await;
        }
    )*};
}

conference_tests! {
    update_conference_bridge_member_mute_phone: PHONE, "mute";
    update_conference_bridge_member_mute_sip: SIP, "mute";
    update_conference_bridge_member_unmute_phone: PHONE, "unmute";
    update_conference_bridge_member_unmute_sip: SIP, "unmute";
    update_conference_bridge_member_hangup_phone: PHONE, "hangup";
    update_conference_bridge_member_hangup_sip: SIP, "hangup";
}
