//! The growth drill's graft of Plivo's Voice API Multi-Party Call: enums
//! that are not identifiers, clashing names, formats and patterns,
//! response enums, 204s, DELETE bodies, query arrays, another server, and
//! every rule checked before I/O, by the client and by the mock.

use plivo_phlo::{Error, PhloClient, mock::{Call, Fault, MockPhlo}, spec, types};
use serde_json::json;

const UUID: &str = "9e0f1c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b";

fn participant() -> types::AddVoiceParticipant {
    serde_json::from_value(json!({"role": "Agent", "from": "+14152223333", "to": "+14152225555"})).unwrap()
}

#[tokio::test]
async fn the_voice_graft_is_accepted_with_its_rules() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Another server: the operation goes there unless pointed elsewhere.
    let op = spec::operation("add_voice_participant").unwrap();
    assert_eq!(op.server, "https://api.plivo.com/v1");
    assert_eq!(spec::operation("get_phlo").unwrap().server, "https://phlorunner.plivo.com/v1");
    // An operationId that is not snake case is a snake-case method; an
    // untagged operation is in `default`.
    assert_eq!(spec::operation("endVoiceMpc").unwrap().method_name, "end_voice_mpc");
    assert_eq!(spec::operation("get_voice_mpc").unwrap().tag, "default");
    let real = PhloClient::builder().credentials(MockPhlo::AUTH_ID, "t").build().unwrap();
    let body = serde_json::to_value(participant()).unwrap();
    let prepared = real.operations().prepare("add_voice_participant", &[("auth_id", MockPhlo::AUTH_ID), ("mpc_uuid", UUID)], Some(body)).unwrap();
    assert_eq!(prepared.url().as_str(), format!("https://api.plivo.com/v1/Account/{}/MultiPartyCall/uuid_{UUID}/Participant/", MockPhlo::AUTH_ID));
    let moved = PhloClient::builder().credentials(MockPhlo::AUTH_ID, "t")
        .server_url("https://api.plivo.com/v1", "http://127.0.0.1:9/voice").build().unwrap();
    assert_eq!(moved.server_urls()[0], "https://phlorunner.plivo.com/v1");
    assert_eq!(moved.server_urls()[1], "http://127.0.0.1:9/voice");
    assert!(PhloClient::builder().credentials(MockPhlo::AUTH_ID, "t").server_url("https://nowhere.example/v1", "http://127.0.0.1:9").build().is_err());

    let mock = MockPhlo::start().await.unwrap();
    let client = mock.client();
    let ops = client.operations();
    let auth: types::AuthId = MockPhlo::AUTH_ID.parse().unwrap();
    let uuid: plivo_phlo::uuid::Uuid = UUID.parse().unwrap();

    // Only what the caller set goes on the wire: no defaults.
    let added = ops.add_voice_participant(&auth, &uuid, &participant()).await.unwrap();
    let _ = added.api_id;
    let sent: serde_json::Value = serde_json::from_slice(&mock.requests()[0].body).unwrap();
    assert_eq!(sent, json!({"role": "Agent", "from": "+14152223333", "to": "+14152225555"}));
    // A placeholder inside its segment, as Plivo writes `uuid_{mpc_uuid}`.
    assert!(mock.requests()[0].path.ends_with(&format!("/MultiPartyCall/uuid_{UUID}/Participant/")), "{}", mock.requests()[0].path);
    assert!(matches!(&mock.calls()[0], Call::AddVoiceParticipant { mpc_uuid, .. } if mpc_uuid == UUID), "{:?}", mock.calls());

    // Enum values that are not identifiers keep their wire text.
    let mut p = participant();
    p.exit_key = Some(types::DtmfKey::Hash);
    p.role = types::VoiceRole::Boss;
    p.a_b = Some("one".into());
    p.a_b_2 = Some("two".into());
    p.type_ = Some("t".into());
    p.self_ = Some("s".into());
    p.camel_case = Some("c".into());
    p.kebab_name = Some("k".into());
    p.start_at = Some("2020-06-03T10:48:43Z".parse().unwrap());
    ops.add_voice_participant(&auth, &uuid, &p).await.unwrap();
    let sent: serde_json::Value = serde_json::from_slice(&mock.requests()[1].body).unwrap();
    assert_eq!(sent["exit_key"], "#");
    assert_eq!(sent["role"], "Supervisor");
    assert_eq!((sent["a__b"].as_str(), sent["a_b"].as_str()), (Some("one"), Some("two")));
    assert_eq!((sent["type"].as_str(), sent["self"].as_str(), sent["camelCase"].as_str(), sent["kebab-name"].as_str()), (Some("t"), Some("s"), Some("c"), Some("k")));
    assert_eq!(sent["start_at"], "2020-06-03T10:48:43Z");
    assert_eq!(types::DtmfKey::Star.as_str(), "*");
    assert_eq!("0".parse::<types::DtmfKey>().unwrap(), types::DtmfKey::V0);
    assert_eq!(types::EndVoiceMpcReason::Empty.as_str(), "");
    assert_eq!(types::EndVoiceMpcReason::Done2.as_str(), "Done");
    assert!("x".parse::<types::DtmfKey>().is_err(), "a request enum is strict");

    // Every rule, before any I/O.
    mock.reset();
    let mut p = participant();
    p.ring_timeout = Some(10);
    let err = ops.add_voice_participant(&auth, &uuid, &p).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field: "ring_timeout", value, .. } if value == "10"), "{err:?}");
    let mut p = participant();
    p.max_duration = Some(301);
    let err = ops.add_voice_participant(&auth, &uuid, &p).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field: "max_duration", .. }), "{err:?}");
    let mut p = participant();
    p.status_callback_events = vec!["a".into(), "b".into(), "c".into(), "d".into(), "e".into()];
    let err = ops.add_voice_participant(&auth, &uuid, &p).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field: "status_callback_events", .. }), "{err:?}");
    assert!(serde_json::from_value::<types::AddVoiceParticipant>(json!({"role": "Agent", "from": "a", "to": "b", "delay_dial": 0})).is_err(), "exclusiveMinimum");
    assert!(serde_json::from_value::<types::AddVoiceParticipant>(json!({"role": "Agent", "from": "a", "to": "b", "confirm_key": "xx"})).is_err(), "pattern");
    assert!(serde_json::from_value::<types::AddVoiceParticipant>(json!({"role": "Agent", "from": "a", "to": "b", "caller_name": ""})).is_err(), "minLength");
    assert!(serde_json::from_value::<types::AddVoiceParticipant>(json!({"from": "a", "to": "b"})).is_err(), "required");
    let err = ops.list_voice_mpcs(&auth, None, None, None, Some(50), None, None, None, None, None, None, None, None, None).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field: "limit", value, .. } if value == "50"), "{err:?}");
    // A named number, array or map (typify's open newtype) keeps its rules.
    let err = ops.list_voice_mpcs(&auth, None, None, None, None, None, None, None, None, None, None, None, None, Some(51)).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field: "page", value, reason } if value == "51" && reason.contains("maximum: 50")), "{err:?}");
    // A top-level field is named alone; a nested one by its place.
    let mut p = participant();
    p.ring_timeout = Some(10);
    let err = ops.add_voice_participant(&auth, &uuid, &p).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { reason, .. } if !reason.contains("(at")), "{err:?}");
    let mut p = participant();
    p.template = Some(serde_json::from_value(json!({"priority": 9})).unwrap());
    let err = ops.add_voice_participant(&auth, &uuid, &p).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field: "priority", reason, .. } if reason.ends_with("(at template.priority)")), "{err:?}");
    // `format: uri`, checked when a value is present (the field is nullable).
    let mut p = participant();
    p.callback_url = Some("drill".into());
    let err = ops.add_voice_participant(&auth, &uuid, &p).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field: "callback_url", reason, .. } if reason.contains("format: uri")), "{err:?}");
    assert_eq!(mock.hits(), 0, "refused before any I/O");
    let mut p = participant();
    p.callback_url = Some("https://example.com/hook".into());
    ops.add_voice_participant(&auth, &uuid, &p).await.unwrap();
    mock.reset();
    let mut p = participant();
    p.volume = Some(types::VoiceVolume(2.5));
    let err = ops.add_voice_participant(&auth, &uuid, &p).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field: "volume", value, .. } if value == "2.5"), "{err:?}");
    let mut p = participant();
    p.codes = Some(types::VoiceCodes(vec!["1".into(), "2".into(), "3".into()]));
    let err = ops.add_voice_participant(&auth, &uuid, &p).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field: "codes", .. }), "{err:?}");
    assert!(ops.prepare("list_voice_mpcs", &[("auth_id", MockPhlo::AUTH_ID), ("page", "1")], None).is_err(), "a named number's minimum");
    let tags = ["a".to_string(), "b".to_string(), "c".to_string(), "d".to_string()];
    assert!(ops.prepare("list_voice_mpcs", &[("auth_id", MockPhlo::AUTH_ID), ("tags", "a"), ("tags", "b"), ("tags", "c"), ("tags", "d")], None).is_err(), "maxItems");
    let _ = tags;
    assert!(ops.prepare("list_voice_mpcs", &[("auth_id", MockPhlo::AUTH_ID), ("kebab-name", "ABC")], None).is_err(), "pattern");
    assert!(ops.prepare("list_voice_mpcs", &[("auth_id", MockPhlo::AUTH_ID), ("camelCase", "toolong")], None).is_err(), "maxLength");
    assert!(ops.prepare("list_voice_mpcs", &[("auth_id", MockPhlo::AUTH_ID), ("type", "c")], None).is_err(), "enum");
    assert!(ops.prepare("list_voice_mpcs", &[("auth_id", MockPhlo::AUTH_ID), ("end_time__gt", "yesterday")], None).is_err(), "date-time");
    assert_eq!(mock.hits(), 0, "nothing was sent");

    // The mock refuses the same, in Plivo's words.
    let raw = reqwest::Client::new();
    let url = format!("{}/Account/{}/MultiPartyCall/?limit=50", mock.base_url(), MockPhlo::AUTH_ID);
    let answer = raw.get(&url).basic_auth(MockPhlo::AUTH_ID, Some(MockPhlo::AUTH_TOKEN)).send().await.unwrap();
    assert_eq!(answer.status(), 400);
    let text: serde_json::Value = answer.json().await.unwrap();
    assert!(text["error"].as_str().unwrap().starts_with("Invalid value provided for limit."), "{text}");
    let url = format!("{}/Account/{}/MultiPartyCall/uuid_{UUID}/Participant/", mock.base_url(), MockPhlo::AUTH_ID);
    let answer = raw.post(&url).basic_auth(MockPhlo::AUTH_ID, Some(MockPhlo::AUTH_TOKEN))
        .json(&json!({"role": "Agent", "from": "a", "to": "b", "ring_timeout": 500})).send().await.unwrap();
    assert_eq!(answer.status(), 400);

    // Query parameters of every kind, exploded arrays, on the wire.
    mock.reset();
    let page = ops.list_voice_mpcs(&auth, Some(&types::VoiceMpcStatus::Active), None, Some("x y"), Some(2), Some(0), Some(true), Some(&["a".parse().unwrap(), "b".parse().unwrap()]), None, None, Some(&types::ListVoiceMpcsType::B), Some("s"), Some("f"), Some(3)).await.unwrap();
    let _ = page.objects;
    let path = &mock.requests()[0].path;
    for part in ["status=active", "end_time_gt=x+y", "limit=2", "offset=0", "active=true", "tags=a&tags=b", "type=b", "self=s", "from=f", "page=3"] {
        assert!(path.contains(part), "{part} in {path}");
    }
    assert!(matches!(&mock.calls()[0], Call::ListVoiceMpcs { tags, .. } if tags == &["a", "b"]), "{:?}", mock.calls());

    // A response enum takes a value Plivo adds later, and gives it back.
    mock.fail_next(1, Fault::status(200).json(json!({"mpc_uuid": UUID, "status": "paused", "day": null, "labels": {"k": "v"}})));
    let mpc = ops.get_voice_mpc(&auth, &uuid).await.unwrap();
    assert_eq!(mpc.status, types::VoiceMpcStatus::Other("paused".into()));
    assert_eq!(serde_json::to_value(&mpc.status).unwrap(), "paused");
    assert_eq!(mpc.labels.get("k").map(String::as_str), Some("v"));
    assert!(mpc.day.is_none());
    let mpc = ops.get_voice_mpc(&auth, &uuid).await.unwrap();
    assert_eq!(mpc.status, types::VoiceMpcStatus::Active);
    // Plivo's Voice API timestamp (a space for `T`) decodes and keeps its text.
    assert_eq!(mpc.created.as_ref().map(|c| c.as_str()), Some("2020-06-03 10:48:43+00:00"));

    // 204 and a DELETE with a body.
    mock.reset();
    let end = types::EndVoiceMpc { reason: types::EndVoiceMpcReason::Minus };
    let () = ops.end_voice_mpc(&auth, &uuid, &end).await.unwrap();
    let request = &mock.requests()[0];
    assert_eq!(request.method, "DELETE");
    assert_eq!(request.status.map(|s| s.as_u16()), Some(204), "the spec's 204, with no body");
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&request.body).unwrap(), json!({"reason": "-"}));
}
