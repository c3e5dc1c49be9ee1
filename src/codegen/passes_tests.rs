//! Each pass on a small hand-made file: what it changes, and the named
//! failure when progenitor's output no longer has the expected shape.

use std::collections::BTreeSet;

fn file(src: &str) -> syn::File {
    syn::parse_str(src).expect("test input parses")
}

fn text(file: &syn::File) -> String {
    quote::quote!(#file).to_string()
}

const TWO_OPS: &str = r#"
    impl Client {
        fn a(&self) {
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(::reqwest::header::HeaderName::from_static("api-version"), x);
            let url = format!("{}/phlo/{}", self.baseurl, encode_path(&phlo_id.to_string()));
        }
        fn b(&self) {
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
            header_map.append(::reqwest::header::HeaderName::from_static("api-version"), x);
            header_map.append(::reqwest::header::HeaderName::from_static("x-other"), y);
        }
    }
"#;

#[test]
fn drop_api_version_removes_one_header_per_operation_or_fails_by_name() {
    let mut f = file(TWO_OPS);
    super::drop_api_version(&mut f, 2).unwrap();
    let out = text(&f);
    assert!(!out.contains("api-version"), "{out}");
    assert!(out.contains("x-other"), "other headers stay: {out}");
    assert_eq!(out.matches("HeaderMap :: new ()").count(), 1, "{out}");

    let err = super::drop_api_version(&mut file(TWO_OPS), 3).unwrap_err();
    assert!(
        err.contains("found 2") && err.contains("3 operations"),
        "{err}"
    );
    assert!(
        err.contains("drop_api_version in src/codegen/passes.rs"),
        "{err}"
    );
}

#[test]
fn raw_safe_ids_unwraps_encode_path_or_fails_by_name() {
    let mut f = file(TWO_OPS);
    let safe: BTreeSet<String> = ["phlo_id".to_string()].into();
    super::raw_safe_ids(&mut f, &safe).unwrap();
    let out = text(&f);
    assert!(
        out.contains("phlo_id . as_str ()") && !out.contains("encode_path"),
        "{out}"
    );

    let missing: BTreeSet<String> = ["node_id".to_string()].into();
    let err = super::raw_safe_ids(&mut file(TWO_OPS), &missing).unwrap_err();
    assert!(err.starts_with("path parameter node_id:"), "{err}");
    assert!(err.contains("raw_safe_ids"), "{err}");
}

#[test]
fn non_exhaustive_enums_marks_every_enum_and_needs_the_spec_ones() {
    let mut f = file("pub enum Role { Agent, Customer } pub enum Other { A }");
    let expected: BTreeSet<String> = ["Role".to_string()].into();
    super::non_exhaustive_enums(&mut f, &expected).unwrap();
    assert_eq!(text(&f).matches("# [non_exhaustive]").count(), 2);

    // A spec without enums is not a changed shape.
    super::non_exhaustive_enums(&mut file("pub struct S;"), &BTreeSet::new()).unwrap();
    let err = super::non_exhaustive_enums(&mut file("pub struct Role;"), &expected).unwrap_err();
    assert!(
        err.starts_with("schema Role: found no generated `enum Role`"),
        "{err}"
    );
}

#[test]
fn field_docs_fills_missing_docs_and_names_what_it_cannot_find() {
    let mut f = file("pub struct Req { pub to: Address, #[doc = \" kept\"] pub role: Role }");
    let docs = vec![(
        "Req".to_string(),
        vec![
            ("to".to_string(), "Who is dialled.".to_string()),
            ("role".to_string(), "ignored".to_string()),
        ],
    )];
    super::field_docs(&mut f, &docs).unwrap();
    let out = text(&f);
    assert!(
        out.contains("Who is dialled.") && out.contains("kept") && !out.contains("ignored"),
        "{out}"
    );

    let err = super::field_docs(&mut file("pub struct Other;"), &docs).unwrap_err();
    assert!(err.starts_with("property Req.to:"), "{err}");
}

#[test]
fn escape_mock_paths_escapes_values_or_fails_by_name() {
    let mut f =
        file(r#"fn p(value: &str) { let re = format!("^/v1/phlo/{}$", value.to_string()); }"#);
    super::escape_mock_paths(&mut f).unwrap();
    assert!(
        text(&f).contains(":: regex :: escape (& value . to_string ())"),
        "{}",
        text(&f)
    );

    let err = super::escape_mock_paths(&mut file("fn p() {}")).unwrap_err();
    assert!(
        err.contains("found no path regex") && err.contains("escape_mock_paths"),
        "{err}"
    );
    let err = super::escape_mock_paths(&mut file(
        r#"fn p(v: &str) { let re = format!("^/v1/phlo/{}$", v); }"#,
    ))
    .unwrap_err();
    assert!(err.contains("without `value.to_string()`"), "{err}");
}
