//! Runs the text analysis alone over a file of texts separated by NUL bytes, so that its cost
//! can be measured (callgrind, cachegrind) without building and running the whole pipeline.
//!
//! Usage: `text_bench FILE [ROUNDS]`; prints counts that depend on every part of the analysis.

use chronicle_core::Text;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: text_bench FILE [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(1);
    let all = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let (mut tokens, mut starts, mut sentences, mut check) = (0usize, 0usize, 0usize, 0u64);
    for _ in 0..rounds {
        for text in all.split('\0') {
            let t = Text::new(text);
            tokens += t.tokens.len();
            starts += t.word_starts().len();
            sentences += t.sentences.len();
            for (i, w) in t.word_starts().iter().enumerate() {
                check = check.rotate_left(3) ^ w.key(true) ^ (t.start_token(i) as u64) ^ u64::from(w.capital);
            }
            for tok in &t.tokens {
                check = check.rotate_left(1) ^ u64::from(tok.end) ^ (tok.kind as u64);
            }
            for s in &t.sentences {
                check = check.rotate_left(2) ^ s.start as u64 ^ (s.end as u64) << 20;
            }
        }
    }
    println!("tokens {tokens} word starts {starts} sentences {sentences} check {check:016x}");
}
