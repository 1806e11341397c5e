//! The vocabulary every extraction stage shares, and nothing more.
//!
//! chronicle's extraction is a pipeline of pure stages (time, numbers, entities, domain).
//! They meet only here: a [`Document`] to read, the [`Text`] analysis of it (sentences and
//! tokens, computed once per document and shared by every stage), byte [`Span`]s that point
//! back into the text, and a few value types ([`Qualifier`]) that more than one stage needs.
//! Keeping this crate small is deliberate: a stage can change its own facts without touching
//! any other stage.

pub mod doc;
pub mod num;
pub mod phrase;
pub mod text;

pub use doc::{Document, Span};
pub use num::Qualifier;
pub use phrase::{fold8, load8, word_key, PhraseError, PhraseMatch, PhraseSet, WordFilter, WordSet, WordStart};
pub use text::{Text, Token, TokenKind, WordStartCursor};
