//! A [`Model`] searched directly by [`super::rank`]: the reference the
//! engines are checked against.

use std::collections::HashMap;

use super::model::Model;

/// A [`Model`] searched directly (the reference the engines are checked
/// against, and the static index's view of its own data).
pub struct ModelSource<'a> {
    model: &'a Model,
    /// Terms in order, with their ids.
    sorted: std::collections::BTreeMap<&'a str, usize>,
    pairs: HashMap<String, usize>,
    ids: Vec<String>,
}

impl<'a> ModelSource<'a> {
    pub fn new(model: &'a Model) -> ModelSource<'a> {
        ModelSource {
            model,
            sorted: model
                .terms
                .iter()
                .enumerate()
                .map(|(i, t)| (&**t, i))
                .collect(),
            pairs: (0..model.pairs.len())
                .map(|p| (model.pair_text(p), p))
                .collect(),
            ids: model.docs.iter().map(|d| d.id.to_lowercase()).collect(),
        }
    }
}

impl super::rank::Source for ModelSource<'_> {
    fn n_docs(&self) -> u64 {
        self.model.docs.len() as u64
    }

    fn postings(&self, term: &str) -> Vec<(u32, u16)> {
        self.sorted
            .get(term)
            .map(|&i| self.model.postings[i].to_vec())
            .unwrap_or_default()
    }

    fn df(&self, term: &str) -> u64 {
        self.sorted
            .get(term)
            .map_or(0, |&i| self.model.postings[i].len() as u64)
    }

    fn pair_postings(&self, pair: &str) -> Vec<(u32, u16)> {
        self.pairs
            .get(pair)
            .map(|&p| self.model.pair_postings[p].to_vec())
            .unwrap_or_default()
    }

    fn words_with_prefix(&self, prefix: &str) -> Vec<(String, u64)> {
        if prefix.starts_with('#') {
            return Vec::new();
        }
        self.sorted
            .range(prefix..)
            .take_while(|(t, _)| t.starts_with(prefix))
            .map(|(t, &i)| (t.to_string(), self.model.postings[i].len() as u64))
            .collect()
    }

    fn ids_with_prefix(&self, prefix: &str) -> Vec<u32> {
        (0..self.ids.len() as u32)
            .filter(|&d| self.ids[d as usize].starts_with(prefix))
            .collect()
    }

    fn id(&self, doc: u32) -> String {
        self.ids[doc as usize].clone()
    }

    fn kind(&self, doc: u32) -> &str {
        self.model.docs[doc as usize].kind
    }

    fn status(&self, doc: u32) -> &str {
        self.model.docs[doc as usize].status
    }

    fn standards_named(&self, key: &str) -> Vec<String> {
        self.model
            .standards
            .iter()
            .filter(|s| s.keys.iter().any(|k| k == key))
            .map(|s| s.id.to_lowercase())
            .collect()
    }
}
