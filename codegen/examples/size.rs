//! Prints the lines of each file the generator writes for a spec, with
//! every file wanted: `cargo run -p plivo-phlo-codegen --example size -- spec.yaml`.
//! `benches/generated_lines.sh` uses it for the lines per added operation.

fn main() -> Result<(), String> {
    let path = std::env::args().nth(1).ok_or("usage: size <spec.yaml>")?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let wanted = plivo_phlo_codegen::Wanted {
        calls: true,
        httpmock: true,
        pattern: true,
        uuid: true,
        features: None,
    };
    let (files, _) = plivo_phlo_codegen::generate(&text, wanted)?;
    let names = ["client.rs", "spec_table.rs", "calls.rs", "httpmock.rs"];
    for (name, file) in names.iter().zip(files) {
        println!("{name} {}", file.map_or(0, |f| f.lines().count()));
    }
    Ok(())
}
