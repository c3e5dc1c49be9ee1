//! The address rule: `Address::is_valid` accepts exactly what the spec's
//! `Address` schema (pattern and maxLength, read from spec/phlo.yaml and run
//! by regress, an ECMAScript engine) accepts; valid addresses that were once
//! refused are accepted, and lax ones refused, each with its reason.

use plivo_phlo::Address;

/// The spec's `Address` pattern and maxLength.
fn spec_rule() -> (regress::Regex, usize) {
    let spec: serde_norway::Value =
        serde_norway::from_str(include_str!("../../spec/phlo.yaml")).unwrap();
    let address = &spec["components"]["schemas"]["Address"];
    let pattern = address["pattern"].as_str().unwrap();
    let max = address["maxLength"].as_u64().unwrap() as usize;
    (regress::Regex::new(pattern).unwrap(), max)
}

fn assert_agree(candidates: impl IntoIterator<Item = String>) -> usize {
    let (regex, max) = spec_rule();
    let mut accepted = 0;
    for s in candidates {
        let spec = s.len() <= max && regex.find(&s).is_some_and(|m| m.range() == (0..s.len()));
        assert_eq!(Address::is_valid(&s), spec, "{s:?}");
        accepted += usize::from(spec);
    }
    accepted
}

#[test]
fn every_short_string_over_a_telling_alphabet() {
    let alphabet = [
        '+', '0', '1', '9', 's', 'S', 'i', 'p', ':', '@', 'a', '.', '-', ';', '=', ' ', '/', 'é',
    ];
    let mut all = vec![String::new()];
    let mut frontier = vec![String::new()];
    for _ in 0..4 {
        frontier = frontier
            .iter()
            .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
            .collect();
        all.extend(frontier.iter().cloned());
    }
    let shapes: Vec<String> = all
        .iter()
        .flat_map(|s| {
            [
                s.clone(),
                format!("sip:{s}"),
                format!("sip:u@{s}"),
                format!("sip:{s}@h.io"),
                format!("sip:u@h.io{s}"),
            ]
        })
        .collect();
    let accepted = assert_agree(shapes);
    assert!(
        accepted > 1000,
        "the alphabet should reach valid addresses: {accepted}"
    );
}

#[test]
fn edges_of_every_part() {
    let label = |n: usize| "a".repeat(n);
    let host = |labels: usize, len: usize| vec![label(len); labels].join(".");
    let mut cases: Vec<String> = [
        "+14152225555",
        "14152225555",
        "123456789012345",
        "1234567890123456",
        "0",
        "+0",
        "01",
        "+",
        "++1",
        "sip:agent1@phone.plivo.com",
        "SIP:agent1@phone.plivo.com",
        "Sips:a@b.io",
        "sipS:a@b.io",
        "sip:a@phone.plivo.com.",
        "sip:a@phone.plivo.com..",
        "sip:a@.phone.plivo.com",
        "sip:a@phone.plivo.com;transport=tcp",
        "sip:a@h.io;lr",
        "sip:a@h.io;lr;transport=udp",
        "sip:a@h.io;",
        "sip:a@h.io;=x",
        "sip:a@h.io;x=",
        "sip:a@h.io;x=y=z",
        "sip:a@h.io:1",
        "sip:a@h.io:0",
        "sip:a@h.io:65535",
        "sip:a@h.io:65536",
        "sip:a@h.io:99999",
        "sip:a@h.io:01",
        "sip:a@h.io:",
        "sip:a@h.io:5060;transport=tls",
        "sip:a@1.2.3.4",
        "sip:a@255.255.255.255",
        "sip:a@256.1.1.1",
        "sip:a@999.999.999.999",
        "sip:a@01.2.3.4",
        "sip:a@1.2.3",
        "sip:a@1.2.3.4.",
        "sip:a@1.2.3.a",
        "sip:a@1a.io",
        "sip:a@a.1",
        "sip:..@h.io",
        "sip:.a@h.io",
        "sip:a.@h.io",
        "sip:a.b@h.io",
        "sip:a..b@h.io",
        "sip:-@h.io",
        "sip:!~*()&=+$,;-_@h.io",
        "sip:a@-h.io",
        "sip:a@h-.io",
        "sip:a@h..io",
        "sip:a@[::1]",
        "sip:a@h.io?x=y",
        "sip:a%20b@h.io",
        "sip:a@b@c.io",
        "tel:+14152225555",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for n in [1, 62, 63, 64, 65] {
        cases.push(format!("sip:u@{}.io", label(n)));
        cases.push(format!("sip:{}@h.io", label(n)));
    }
    // Hosts of 251..=255 characters, with and without a trailing dot.
    for extra in 0..=4 {
        let h = format!("{}.{}", host(3, 63), label(59 + extra));
        cases.push(format!("sip:u@{h}"));
        cases.push(format!("sip:u@{h}."));
    }
    // Found by the `address` fuzz target: an earlier pattern made regress
    // (a backtracking engine, as typify's generated code and many
    // validators use) take exponential time here; 2^40 steps would hang
    // this test.
    for n in [20, 40, 61] {
        let run = "I".repeat(n);
        cases.push(format!("SIP:,@9.{run}.00-"));
        cases.push(format!("sip:a@{run}.{run}.{run}-"));
        cases.push(format!("sip:{run}.{run}..@h.io"));
        cases.push(format!("sip:a@h.io;{run};{run}={run};{run}!"));
        cases.push(format!("sip:a@a-{run}-a-{run}.{run}!"));
    }
    // Around the 400-byte limit.
    let long_host = host(3, 63);
    for params in [30, 40, 45, 50] {
        cases.push(format!(
            "sip:{}@{long_host}.io{}",
            label(64),
            ";p=v".repeat(params)
        ));
    }
    let accepted = assert_agree(cases);
    assert!(accepted > 30, "{accepted}");
}

#[test]
fn pseudo_random_addresses_agree() {
    // xorshift: deterministic, no dependency.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let pieces = [
        "sip:", "SIPS:", "+", "1", "0", "4", "25", "255", "256", "a", "Z", "-", ".", "@", ":", ";",
        "=", "5060", "65536", "tcp", "phone", "plivo", "com", "_", "!", "é", " ",
    ];
    let candidates = (0..200_000).map(|_| {
        let n = 1 + next() % 12;
        (0..n)
            .map(|_| pieces[(next() % pieces.len() as u64) as usize])
            .collect::<String>()
    });
    assert_agree(candidates);
}

#[test]
fn accepted_forms_are_kept_and_schemes_lower_cased() {
    for (given, kept) in [
        ("SIP:agent1@phone.plivo.com", "sip:agent1@phone.plivo.com"),
        ("Sip:agent1@phone.plivo.com", "sip:agent1@phone.plivo.com"),
        ("SIPS:a@h.io", "sips:a@h.io"),
        ("sip:agent1@phone.plivo.com.", "sip:agent1@phone.plivo.com."),
        (
            "sip:agent1@phone.plivo.com;transport=tcp",
            "sip:agent1@phone.plivo.com;transport=tcp",
        ),
        ("sip:Agent1@Phone.Plivo.com", "sip:Agent1@Phone.Plivo.com"),
        ("+14152225555", "+14152225555"),
    ] {
        let address: Address = given.parse().unwrap_or_else(|e| panic!("{given}: {e}"));
        assert_eq!(address.as_str(), kept);
    }
}
