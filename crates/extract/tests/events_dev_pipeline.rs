//! The events of the whole pipeline on the dev corpus (time, entities and event rules together),
//! scored as `eval/score.py` scores them; the figure the issue asks for (events F1 >= 0.75).
//! It skips when `../shared` is absent. `EVENTS_DEV_OUT=FILE` also writes the extraction lines.

use chronicle_core::Document;
use chronicle_extract::{output, Extractor};

mod events_common;
use events_common::{f1, lines, match_events, shared, Pred};

#[test]
fn pipeline_events_on_the_dev_corpus() {
    let Some(dir) = shared() else {
        eprintln!("../shared absent: skipping");
        return;
    };
    let docs = lines(dir.join("docs.jsonl"));
    let golds = lines(dir.join("gold.jsonl"));
    let ex = Extractor::coalition();
    let mut out = String::new();
    let (mut tp, mut np, mut ng) = (0, 0, 0);
    for (d, g) in docs.iter().zip(&golds) {
        let doc: Document = serde_json::from_value(d.clone()).unwrap();
        let extraction = ex.extract(&doc);
        out.push_str(&output::to_json_line(&doc, &extraction));
        out.push('\n');
        // Distinct events, as the scorer counts them.
        let mut pred: Vec<Pred> = Vec::new();
        for e in &extraction.events {
            let p = (e.kind.clone(), e.date.clone(), e.place.clone());
            if !pred.contains(&p) {
                pred.push(p);
            }
        }
        let gold = g["events"].as_array().unwrap();
        let (hits, missed, _) = match_events(&pred, gold);
        for m in missed {
            eprintln!("{} - {m}", doc.id);
        }
        tp += hits;
        np += pred.len();
        ng += gold.len();
    }
    if let Some(path) = std::env::var_os("EVENTS_DEV_OUT") {
        std::fs::write(path, out).unwrap();
    }
    let (p, r, f1) = f1(tp, np, ng);
    eprintln!("pipeline events on dev: P {p:.3} R {r:.3} F1 {f1:.3} (tp {tp}, pred {np}, gold {ng})");
    assert!(f1 >= 0.75, "pipeline events F1 below 0.75: {f1:.3}");
}
