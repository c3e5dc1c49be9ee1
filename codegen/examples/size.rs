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
    let generated = plivo_phlo_codegen::generate(&text, wanted)?;
    // A file's lines with those of its per-tag parts (`tags/*/client_types.rs`).
    let names = ["client", "spec_table", "calls", "httpmock"];
    for (name, file) in names.iter().zip(generated.files) {
        let parts: usize = generated
            .tags
            .iter()
            .filter(|(path, _)| {
                let part = path.rsplit('/').next().unwrap_or_default();
                part == format!("{name}.rs") || part.starts_with(&format!("{name}_"))
            })
            .map(|(_, text)| text.lines().count())
            .sum();
        println!(
            "{name}.rs {}",
            file.map_or(0, |f| f.lines().count()) + parts
        );
    }
    Ok(())
}
