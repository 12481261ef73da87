//! Place search: exact ids and names first, then prefixes, substrings and typo-tolerant
//! matches, ranked by how well they match and then by importance (population, kind).

use serde::Serialize;

use crate::model::{Country, Place, PlaceKind};

/// Lowercase ASCII words: "Mazār-i-Sharīf" becomes "mazar i sharif".
pub fn normalize(s: &str) -> String {
    let ascii = deunicode::deunicode(s).to_ascii_lowercase();
    let mut out = String::with_capacity(ascii.len());
    for ch in ascii.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    out.trim_end().to_owned()
}

fn compact(normalized: &str) -> String {
    normalized.chars().filter(|c| *c != ' ').collect()
}

#[derive(Clone, Debug, Serialize)]
pub struct PlaceMatch {
    /// Index into the place table.
    pub index: usize,
    /// 0..=1000: 1000 an exact id, 900 an exact name, 890 an exact alias, 870+ the same
    /// letters with other spacing or punctuation; lower scores are prefixes and typos.
    pub score: u32,
    /// Which of the place's names matched.
    pub matched: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Entry {
    place: usize,
    /// Alternative names rank just below the place's own name.
    alias: bool,
    text: String,
    norm: String,
    compact: String,
}

/// The lowest score of an exact match (an alias's compact form).
const EXACT: u32 = 870;

/// A search index over place names and aliases.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct PlaceIndex {
    entries: Vec<Entry>,
    importance: Vec<u32>,
    ids: Vec<String>,
    countries: Vec<Country>,
    /// Normalized primary name -> the most important place of that name.
    by_name: std::collections::HashMap<String, usize>,
}

fn importance(p: &Place) -> u32 {
    let kind = match p.kind {
        PlaceKind::City => 40,
        PlaceKind::Seaport => 35,
        PlaceKind::Terminal => 25,
        PlaceKind::BorderCrossing => 30,
        PlaceKind::Locality => 0,
    };
    // log10(population) adds up to about 90 for the largest cities.
    let pop = p
        .population
        .map_or(0.0, |n| (n.max(1) as f64).log10() * 10.0) as u32;
    kind + pop
}

impl PlaceIndex {
    pub fn new(places: &[Place]) -> PlaceIndex {
        let mut entries = Vec::new();
        for (i, p) in places.iter().enumerate() {
            for (k, text) in std::iter::once(&p.name).chain(&p.aliases).enumerate() {
                let norm = normalize(text);
                if norm.is_empty() {
                    continue;
                }
                entries.push(Entry {
                    place: i,
                    alias: k > 0,
                    text: text.clone(),
                    compact: compact(&norm),
                    norm,
                });
            }
        }
        let importance: Vec<u32> = places.iter().map(importance).collect();
        let mut by_name: std::collections::HashMap<String, usize> =
            std::collections::HashMap::new();
        for e in entries.iter().filter(|e| !e.alias) {
            let slot = by_name.entry(e.norm.clone()).or_insert(e.place);
            if importance[e.place] > importance[*slot] {
                *slot = e.place;
            }
        }
        PlaceIndex {
            entries,
            by_name,
            importance,
            ids: places.iter().map(|p| p.id.to_ascii_lowercase()).collect(),
            countries: places.iter().map(|p| p.country).collect(),
        }
    }

    /// Ranked matches for a free-text query, best first. "Alat, UZ" restricts to a country.
    pub fn search(&self, query: &str, limit: usize) -> Vec<PlaceMatch> {
        self.ranked(query, limit, true)
    }

    /// `search`, with or without the typo-tolerant scores (Jaro-Winkler and Levenshtein on
    /// every entry, most of the cost of a search).
    fn ranked(&self, query: &str, limit: usize, typos: bool) -> Vec<PlaceMatch> {
        let (text, country) = match query.rsplit_once(',') {
            Some((t, c)) if Country::parse(c).is_some() => (t, Country::parse(c)),
            _ => (query, None),
        };
        let q = normalize(text);
        if q.is_empty() {
            return Vec::new();
        }
        let qc = compact(&q);
        let id_query = text.trim().to_ascii_lowercase();
        let mut best: Vec<Option<(u32, usize)>> = vec![None; self.ids.len()];
        let mut consider = |place: usize, score: u32, entry: usize| {
            if country.is_some_and(|c| c != self.countries[place]) {
                return;
            }
            if best[place].is_none_or(|(s, _)| score > s) {
                best[place] = Some((score, entry));
            }
        };
        for (e, entry) in self.entries.iter().enumerate() {
            let alias_penalty = if entry.alias { 10 } else { 0 };
            let score = if entry.norm == q {
                900 - alias_penalty
            } else if entry.compact == qc {
                880 - alias_penalty
            } else if entry.norm.starts_with(&q) || entry.compact.starts_with(&qc) {
                700 + (100.0 * qc.len() as f64 / entry.compact.len().max(1) as f64) as u32
            } else if entry.norm.split(' ').any(|w| w.starts_with(&q)) {
                600
            } else if qc.len() >= 3 && entry.compact.contains(&qc) {
                500
            } else if typos && qc.len() >= 3 {
                let jw = strsim::jaro_winkler(&qc, &entry.compact);
                let lev = strsim::levenshtein(&qc, &entry.compact);
                let allowed = if qc.len() <= 3 { 1 } else { 2 };
                if lev <= allowed || jw >= 0.85 {
                    (300.0 + jw * 100.0) as u32 - (lev as u32).min(50)
                } else {
                    continue;
                }
            } else {
                continue;
            };
            consider(entry.place, score, e);
        }
        for (i, id) in self.ids.iter().enumerate() {
            if *id == id_query {
                best[i] = Some((1000, usize::MAX));
            }
        }
        let mut out: Vec<PlaceMatch> = best
            .iter()
            .enumerate()
            .filter_map(|(i, b)| {
                b.map(|(score, e)| PlaceMatch {
                    index: i,
                    score,
                    matched: self
                        .entries
                        .get(e)
                        .map_or_else(|| self.ids[i].to_ascii_uppercase(), |x| x.text.clone()),
                })
            })
            .collect();
        out.sort_by(|a, b| {
            (b.score + self.importance[b.index])
                .cmp(&(a.score + self.importance[a.index]))
                .then(a.index.cmp(&b.index))
        });
        out.truncate(limit);
        out
    }

    /// The single place a query names, if the best match is an exact one (id, name or alias);
    /// otherwise the ranked candidates to suggest.
    pub fn resolve(&self, query: &str) -> Result<usize, Vec<PlaceMatch>> {
        // Fast path: an exact id or primary name needs no ranking of typos.
        let id = query.trim().to_ascii_lowercase();
        if let Some(i) = self.ids.iter().position(|x| *x == id) {
            return Ok(i);
        }
        let q = normalize(query);
        if !query.contains(',') {
            if let Some(i) = self.by_name.get(&q) {
                return Ok(*i);
            }
        }
        // An exact match (score 870 or more) outranks any typo match (at most 400 plus an
        // importance of about 130), so typos are scored only when there is none.
        if let Some(h) = self.ranked(query, 1, false).first() {
            if h.score >= EXACT {
                return Ok(h.index);
            }
        }
        let hits = self.search(query, 8);
        match hits.first() {
            Some(h) if h.score >= EXACT => Ok(h.index),
            _ => Err(hits),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(id: &str, name: &str, aliases: &[&str], pop: u64) -> Place {
        Place {
            id: id.into(),
            name: name.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            country: Country::parse(&id[..2]).unwrap(),
            lat: 0.0,
            lon: 0.0,
            kind: PlaceKind::City,
            population: Some(pop),
            source: String::new(),
        }
    }

    fn index() -> (Vec<Place>, PlaceIndex) {
        let places = vec![
            place(
                "AFMZR",
                "Mazar-i-Sharif",
                &["Mazar-e-Sharif", "Mazari Sharif"],
                500_000,
            ),
            place("KZALA", "Almaty", &["Alma-Ata"], 2_000_000),
            place("UZTAS", "Tashkent", &["Toshkent"], 2_500_000),
            place("KZAST", "Astana", &["Nur-Sultan"], 1_200_000),
        ];
        let idx = PlaceIndex::new(&places);
        (places, idx)
    }

    #[test]
    fn normalizes_diacritics_and_separators() {
        assert_eq!(normalize("Mazār-i-Sharīf"), "mazar i sharif");
        assert_eq!(normalize("  Ürümqi "), "urumqi");
    }

    #[test]
    fn exact_names_aliases_and_ids_resolve() {
        let (places, idx) = index();
        for q in [
            "Mazar-e-Sharif",
            "mazari sharif",
            "MAZAR I SHARIF",
            "afmzr",
            "Mazār-i-Sharīf",
        ] {
            assert_eq!(places[idx.resolve(q).unwrap()].id, "AFMZR", "{q}");
        }
        assert_eq!(places[idx.resolve("Alma-Ata").unwrap()].id, "KZALA");
        assert_eq!(places[idx.resolve("Almaty, KZ").unwrap()].id, "KZALA");
    }

    #[test]
    fn typos_get_suggestions_not_a_guess() {
        let (places, idx) = index();
        let err = idx.resolve("Tashkemt").unwrap_err();
        assert_eq!(places[err[0].index].id, "UZTAS");
        let err = idx.resolve("Almatyy").unwrap_err();
        assert_eq!(places[err[0].index].id, "KZALA");
    }

    #[test]
    fn prefix_search_ranks_matches() {
        let (places, idx) = index();
        let hits = idx.search("maz", 5);
        assert_eq!(places[hits[0].index].id, "AFMZR");
        assert!(idx.search("zzzzqqq", 5).is_empty());
    }
}
