//! English stemming with each thread remembering the stems it has worked out: the
//! same few thousand words recur in every document indexed and every snippet cut,
//! and the Snowball algorithm costs far more than a map lookup. The stems are the
//! ones Tantivy's own `Stemmer` filter gives (the same frostem algorithm).
use std::cell::RefCell;
use std::collections::HashMap;

use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Words remembered per thread before the memory starts afresh (a few MiB at most).
const HELD: usize = 50_000;

thread_local! {
    static STEMS: RefCell<(Stemmer, HashMap<String, String>)> = RefCell::new((Stemmer::new(Algorithm::English), HashMap::new()));
}

/// The filter: English stems, remembered.
#[derive(Clone, Copy, Default)]
pub(crate) struct CachedEnglishStemmer;

impl TokenFilter for CachedEnglishStemmer {
    type Tokenizer<T: Tokenizer> = StemmedTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> StemmedTokenizer<T> {
        StemmedTokenizer { inner: tokenizer }
    }
}

#[derive(Clone)]
pub(crate) struct StemmedTokenizer<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StemmedTokenizer<T> {
    type TokenStream<'a> = StemmedStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemmedStream { tail: self.inner.token_stream(text) }
    }
}

pub(crate) struct StemmedStream<T> {
    tail: T,
}

fn stem_in_place(text: &mut String) {
    STEMS.with(|cell| {
        let (stemmer, held) = &mut *cell.borrow_mut();
        if let Some(stem) = held.get(text.as_str()) {
            text.clone_from(stem);
            return;
        }
        let stem = stemmer.stem(text).into_owned();
        if held.len() >= HELD {
            held.clear();
        }
        held.insert(std::mem::replace(text, stem.clone()), stem);
    });
}

impl<T: TokenStream> TokenStream for StemmedStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        stem_in_place(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{Language, SimpleTokenizer, Stemmer, TextAnalyzer};

    use super::CachedEnglishStemmer;

    fn tokens(mut analyser: TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyser.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn remembered_stems_are_the_stems_tantivy_gives() {
        let text = "screening screened screens running ran nationalisation generously knowledge knowledgeable screening";
        let plain = TextAnalyzer::builder(SimpleTokenizer::default()).filter(Stemmer::new(Language::English)).build();
        let cached = TextAnalyzer::builder(SimpleTokenizer::default()).filter(CachedEnglishStemmer).build();
        assert_eq!(tokens(cached.clone(), text), tokens(plain, text));
        assert_eq!(tokens(cached, text)[0], "screen", "the second time comes from memory and is the same");
    }
}
