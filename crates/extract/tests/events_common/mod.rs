//! Shared by the dev-corpus event tests: where the corpus is, and event matching as
//! `eval/score.py` does it (type, date at least as precise as gold, places as whole words).
#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;

pub fn shared() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dev");
    p.join("gold.jsonl").exists().then_some(p)
}

pub fn lines(path: PathBuf) -> Vec<Value> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

pub fn norm_place(p: Option<&str>) -> String {
    let p = p.unwrap_or("").to_lowercase();
    let p: String = p
        .chars()
        .filter(|c| !matches!(c, '\'' | '\u{2019}' | '.'))
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = p.split_whitespace().collect();
    let words = if words.len() > 1 && words[0] == "the" { &words[1..] } else { &words[..] };
    words.join(" ")
}

pub fn places_match(pred: Option<&str>, gold: Option<&str>) -> bool {
    let (p, g) = (norm_place(pred), norm_place(gold));
    if p.is_empty() || g.is_empty() {
        return p == g;
    }
    let (wp, wg) = (format!(" {p} "), format!(" {g} "));
    wp.contains(&wg) || wg.contains(&wp)
}

pub fn date_matches(pred: Option<&str>, gold: Option<&str>) -> bool {
    let (p, g) = (pred.unwrap_or("").trim().to_uppercase(), gold.unwrap_or("").trim().to_uppercase());
    p == g || (!g.is_empty() && p.starts_with(&g) && matches!(p.as_bytes().get(g.len()), Some(b'-' | b'T')))
}

/// One predicted event: type, date, place.
pub type Pred = (String, Option<String>, Option<String>);

/// Greedy one-to-one matching of one document's events; returns (tp, missed gold, extra predictions).
pub fn match_events(pred: &[Pred], gold: &[Value]) -> (usize, Vec<String>, Vec<usize>) {
    let mut used = vec![false; pred.len()];
    let mut missed = Vec::new();
    let mut tp = 0;
    for g in gold {
        let hit = pred.iter().enumerate().position(|(i, p)| {
            !used[i]
                && p.0 == g["type"].as_str().unwrap()
                && date_matches(p.1.as_deref(), g["date"].as_str())
                && places_match(p.2.as_deref(), g["place"].as_str())
        });
        match hit {
            Some(i) => {
                used[i] = true;
                tp += 1;
            }
            None => missed.push(g.to_string()),
        }
    }
    let extra = (0..pred.len()).filter(|&i| !used[i]).collect();
    (tp, missed, extra)
}

/// F1 from counts.
pub fn f1(tp: usize, np: usize, ng: usize) -> (f64, f64, f64) {
    let (p, r) = (tp as f64 / np.max(1) as f64, tp as f64 / ng.max(1) as f64);
    (p, r, if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 })
}
