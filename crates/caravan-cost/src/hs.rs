//! The Harmonized System 2022: chapters, headings and subheadings, looked up by code and
//! searched by words.

use std::collections::HashMap;
use std::io::Read;

use caravan_net::table::Table;
use caravan_net::DataError;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HsEntry {
    /// 2, 4 or 6 digits.
    pub code: String,
    pub level: u8,
    pub parent: String,
    pub section: String,
    pub section_name: String,
    pub description: String,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HsMatch {
    pub entry: HsEntry,
    /// Higher is better: code matches first, then the share of query words found.
    pub score: u32,
}

#[derive(Clone, Debug)]
pub struct Nomenclature {
    entries: Vec<HsEntry>,
    by_code: HashMap<String, usize>,
    /// Normalized words of each entry's description.
    words: Vec<Vec<String>>,
}

/// Lowercase ASCII words, plural `s` dropped, so "T-shirts" finds "t-shirt".
fn words(text: &str) -> Vec<String> {
    let singular = |w: &str| {
        if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
            w[..w.len() - 1].to_owned()
        } else {
            w.to_owned()
        }
    };
    let mut out = Vec::new();
    for token in deunicode::deunicode(text)
        .to_lowercase()
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
    {
        // "T-shirts" is one word ("tshirt") as well as its parts.
        if token.contains('-') {
            let joined: String = token.chars().filter(|c| *c != '-').collect();
            if joined.len() > 1 {
                out.push(singular(&joined));
            }
        }
        out.extend(token.split('-').filter(|w| w.len() > 1).map(singular));
    }
    out
}

/// The digits of a code typed as `6109.10`, `6109 10` or `610910`.
pub fn normalize_code(s: &str) -> Option<String> {
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '-'))
        .collect();
    (!digits.is_empty() && digits.len() <= 12 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(digits)
}

impl Nomenclature {
    pub fn read(file: &str, input: Box<dyn Read>) -> Result<Nomenclature, DataError> {
        let t = Table::new(file, input)?;
        t.require(&["code", "level", "parent", "section", "description"])?;
        let mut entries = Vec::new();
        t.for_each(|r| {
            let code = r.str("code").to_owned();
            if !matches!(code.len(), 2 | 4 | 6) || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(r.error("code", "expected 2, 4 or 6 digits"));
            }
            entries.push(HsEntry {
                level: code.len() as u8,
                code,
                parent: r.str("parent").to_owned(),
                section: r.str("section").to_owned(),
                section_name: r.str("section_name").to_owned(),
                description: r.str("description").to_owned(),
            });
            Ok(())
        })?;
        Ok(Nomenclature::new(entries))
    }

    pub fn new(entries: Vec<HsEntry>) -> Nomenclature {
        let by_code = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.code.clone(), i))
            .collect();
        let words = entries.iter().map(|e| words(&e.description)).collect();
        Nomenclature {
            entries,
            by_code,
            words,
        }
    }

    pub fn get(&self, code: &str) -> Option<&HsEntry> {
        self.by_code.get(code).map(|&i| &self.entries[i])
    }

    /// The most detailed HS entry for a code of any length (a national 8- or 10-digit line
    /// resolves to its 6-digit subheading), or `None` if its first 6 digits (or fewer) are
    /// not in the nomenclature.
    pub fn resolve(&self, code: &str) -> Option<&HsEntry> {
        let code = normalize_code(code)?;
        if code.len() % 2 == 1 {
            return None;
        }
        let hs6 = &code[..code.len().min(6)];
        self.get(hs6)
    }

    /// The chain chapter > heading > subheading for a known code.
    pub fn ancestry(&self, code: &str) -> Vec<&HsEntry> {
        [2, 4, 6]
            .iter()
            .filter(|&&n| code.len() >= n)
            .filter_map(|&n| self.get(&code[..n]))
            .collect()
    }

    /// Codes that share the longest prefix with `code` (for "did you mean").
    pub fn near_codes(&self, code: &str, limit: usize) -> Vec<&HsEntry> {
        let digits = normalize_code(code).unwrap_or_default();
        for n in (2..=digits.len().min(6)).rev() {
            let prefix = &digits[..n];
            let hits: Vec<&HsEntry> = self
                .entries
                .iter()
                .filter(|e| e.code.starts_with(prefix) && e.code.len() >= n)
                .take(limit)
                .collect();
            if !hits.is_empty() {
                return hits;
            }
        }
        Vec::new()
    }

    /// Finds entries by code prefix or by words of their description; every query word must
    /// match a word (or a word's start, or a near spelling) of the description.
    pub fn search(&self, query: &str, limit: usize) -> Vec<HsMatch> {
        if let Some(code) = normalize_code(query) {
            // The code itself first, then its parents, then its children in code order.
            let mut hits: Vec<HsMatch> = self
                .entries
                .iter()
                .filter(|e| e.code.starts_with(&code) || code.starts_with(&e.code))
                .map(|e| HsMatch {
                    entry: e.clone(),
                    score: 1000 - 10 * (e.code.len() as u32).abs_diff(code.len() as u32),
                })
                .collect();
            hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.entry.code.cmp(&b.entry.code)));
            hits.truncate(limit);
            return hits;
        }
        let q = words(query);
        if q.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<(u32, usize)> = Vec::new();
        for (i, ws) in self.words.iter().enumerate() {
            let mut total = 0u32;
            let mut all = true;
            for qw in &q {
                let best = ws
                    .iter()
                    .map(|w| {
                        if w == qw {
                            100
                        } else if w.starts_with(qw.as_str()) && qw.len() >= 3 {
                            80
                        } else if qw.len() >= 5 && strsim::jaro_winkler(w, qw) >= 0.92 {
                            60
                        } else {
                            0
                        }
                    })
                    .max()
                    .unwrap_or(0);
                if best == 0 {
                    all = false;
                    break;
                }
                total += best;
            }
            if all {
                // Shorter descriptions are more specific matches; headings before their
                // many subheadings when equally good.
                let specificity = 100u32.saturating_sub(ws.len() as u32);
                let level_bonus = match self.entries[i].level {
                    4 => 20,
                    6 => 10,
                    _ => 0,
                };
                hits.push((total * 10 / q.len() as u32 + specificity + level_bonus, i));
            }
        }
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        hits.into_iter()
            .take(limit)
            .map(|(score, i)| HsMatch {
                entry: self.entries[i].clone(),
                score,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(code: &str, description: &str) -> HsEntry {
        HsEntry {
            code: code.to_owned(),
            level: code.len() as u8,
            parent: code[..code.len().saturating_sub(2)].to_owned(),
            section: "XI".to_owned(),
            section_name: String::new(),
            description: description.to_owned(),
        }
    }

    fn sample() -> Nomenclature {
        Nomenclature::new(vec![
            entry(
                "61",
                "Apparel and clothing accessories; knitted or crocheted",
            ),
            entry(
                "6109",
                "T-shirts, singlets and other vests; knitted or crocheted",
            ),
            entry(
                "610910",
                "T-shirts, singlets and other vests; of cotton, knitted or crocheted",
            ),
            entry("52", "Cotton"),
            entry("5205", "Cotton yarn (other than sewing thread)"),
        ])
    }

    #[test]
    fn codes_resolve_at_any_length() {
        let n = sample();
        assert_eq!(n.resolve("6109.10").unwrap().code, "610910");
        assert_eq!(n.resolve("6109100010").unwrap().code, "610910");
        assert_eq!(n.resolve("6109").unwrap().code, "6109");
        assert!(n.resolve("6110").is_none());
        assert!(n.resolve("610").is_none(), "odd lengths are not HS codes");
        assert_eq!(n.ancestry("610910").len(), 3);
        assert_eq!(n.near_codes("610999", 5)[0].code, "6109");
    }

    #[test]
    fn words_find_descriptions() {
        let n = sample();
        let hits = n.search("cotton t-shirts", 5);
        assert_eq!(hits[0].entry.code, "610910");
        let yarn = n.search("coton yarn", 5);
        assert_eq!(yarn[0].entry.code, "5205", "a typo still matches");
        assert!(n.search("submarines", 5).is_empty());
        assert_eq!(n.search("6109", 5)[0].entry.code, "6109");
    }
}
