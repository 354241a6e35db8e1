//! Every truth file heapsim writes validates against `docs/truth.schema.json`: `heapsim
//! run` on every shipped scenario and `heapsim generate` in every shape, with and without
//! the GC; and what the files say holds — a leak scenario's suspect and accumulation point
//! are resolved with the classes its script states, its leaked set is of objects allocated
//! by its own code, and a control has no `leak`.

#[path = "common/cli.rs"]
#[allow(dead_code)] // shared with other suites; each uses a part
mod cli;

use std::path::Path;

use serde_json::Value;

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/truth.schema.json"
    ))
    .expect("docs/truth.schema.json");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::draft202012::new(&schema).expect("a valid JSON Schema")
}

/// Reads `path` and checks it against the schema.
fn valid_truth(v: &jsonschema::Validator, path: &Path) -> Value {
    let truth: Value =
        serde_json::from_slice(&std::fs::read(path).expect("truth file")).expect("JSON");
    let errors: Vec<String> = v
        .iter_errors(&truth)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    truth
}

#[test]
fn run_truth_validates_for_every_shipped_scenario() {
    let v = validator();
    for s in &scenarios::scripts::SCRIPTS {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().to_str().unwrap();
        cli::run_ok(&[
            "run", s.name, "-o", out, "--repeat", "30", "--format", "node24",
        ]);
        let t = valid_truth(&v, &dir.path().join("truth.json"));
        assert_eq!(t["scenario"], s.name);
        assert_eq!(t["repeat"], 30);
        assert_eq!(t["snapshots"].as_array().unwrap().len(), 3, "{}", s.name);
        assert!(t["gc"]["full_gcs"].as_u64().unwrap() >= 3, "{}", s.name);
        assert!(!t["objects"].as_array().unwrap().is_empty(), "{}", s.name);
        let expect: Value = serde_json::from_slice(
            &std::fs::read(dir.path().join("expect.json")).expect("expect.json"),
        )
        .unwrap();
        if expect[0]["kind"] != "leak" {
            assert_eq!(t["expectation"], "no_leak", "{}", s.name);
            assert!(t.get("leak").is_none(), "{}", s.name);
            continue;
        }
        let leak = &t["leak"];
        assert_eq!(leak["suspect"]["class"], expect[0]["suspect"], "{}", s.name);
        assert_eq!(
            leak["accumulation"]["class"], expect[0]["accumulation"],
            "{}: {leak:#}",
            s.name
        );
        let leaked = leak["leaked"].as_array().unwrap();
        assert!(leaked.len() >= 30, "{}: {} leaked", s.name, leaked.len());
        assert!(
            leaked
                .iter()
                .any(|o| o["site"].as_str().unwrap().starts_with(s.file.path)),
            "{}: no leaked object allocated by the script itself",
            s.name
        );
        // The suspect and accumulation point are in the sample, with both oracles.
        for which in ["suspect", "accumulation"] {
            let id = &leak[which]["id"];
            assert!(
                t["objects"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|o| &o["id"] == id),
                "{}: the {which} @{id} is not among the sampled objects",
                s.name
            );
        }
    }
}

#[test]
fn generate_truth_validates_for_every_shape() {
    let v = validator();
    for shape in scenarios::shapes::Shape::ALL {
        for gc in [true, false] {
            let dir = tempfile::tempdir().expect("temp dir");
            let file = dir.path().join("g.heapsnapshot");
            let mut args = vec![
                "generate",
                "--shape",
                shape.name(),
                "--objects",
                "3000",
                "-o",
                file.to_str().unwrap(),
            ];
            if !gc {
                args.push("--no-gc");
            }
            cli::run_ok(&args);
            let t = valid_truth(&v, &dir.path().join("g.heapsnapshot.truth.json"));
            assert_eq!(t["source"], "generate");
            assert_eq!(t["scenario"], shape.name());
            assert_eq!(t["objects"].as_array().unwrap().len(), 100);
        }
    }
}
