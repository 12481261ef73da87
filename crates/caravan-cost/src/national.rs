//! The EAEU Common Customs Tariff at 10-digit line level: which lines a code covers on a date,
//! search in Russian and English, and where a member state may apply another rate.

use serde::Serialize;

use crate::data::{CostData, NationalLine};
use crate::date::Date;
use crate::hs::normalize_code;

/// Members of the EAEU that apply the common tariff (with their own exceptions).
pub const EAEU_IMPORTERS: &[&str] = &["AM", "BY", "KG", "KZ", "RU"];

/// What to tell a user about a member's own list of rates other than the common tariff, on
/// `date`: the act (from `files::EAEU_EXCEPTIONS`), whether its lines are curated, and where to
/// check it. `None` when the data names no act for the country.
pub fn exception_warning(data: &CostData, country: &str, date: Date) -> Option<String> {
    let acts: Vec<String> = data
        .exceptions
        .iter()
        .filter(|e| e.importer == country && e.act_date <= date)
        .map(|e| {
            let first_url = e.source_url.split(';').next().unwrap_or("").trim();
            match e.transition_until {
                Some(t) if date > t => format!(
                    "{country}'s list of rates other than the ETT ({}) was reported to run until \
                     {t}; no line of it was checked, so a line may still differ: check it \
                     (source: {first_url})",
                    e.act
                ),
                _ => format!(
                    "{country} applies rates other than the ETT on listed lines: {}. {}; the \
                     rate shown is the common tariff's: check the list (source: {first_url})",
                    e.act,
                    if e.lines_curated == 0 {
                        "The list is not curated in Caravan's data".to_owned()
                    } else {
                        format!("{} of its lines are curated", e.lines_curated)
                    }
                ),
            }
        })
        .collect();
    (!acts.is_empty()).then(|| acts.join(" | "))
}

/// The words the tariff uses for a line that holds only for goods imported under one of its
/// additional notes (for group 02, the tariff quotas).
const UNDER_NOTE: &str = "в порядке, указанном в дополнительном примечании";

/// The `UNDER_NOTE` clause of a description, up to the end of its heading.
fn note_clause(desc: &str) -> Option<&str> {
    let i = desc.find(UNDER_NOTE)?;
    let rest = &desc[i..];
    Some(rest.split(" / ").next().unwrap_or(rest).trim())
}

/// When a line holds only for goods imported under an additional note of the tariff (for
/// meat of group 02: in the tariff quota, with a licence), or is the line for the others:
/// the condition and the rate on the other side of it, from the sibling lines.
pub fn note_condition(data: &CostData, l: &NationalLine, dest: &str, date: Date) -> Option<String> {
    // `a` is `b` or a heading above it.
    let within = |a: &str, b: &str| b == a || b.starts_with(&format!("{a} / "));
    let subheading: Vec<&NationalLine> = lines_under(data, dest, &l.hs[..6], date)
        .into_iter()
        .filter(|s| s.hs != l.hs)
        .collect();
    let quota = if l.hs.starts_with("02") {
        " (group 02's additional EAEU notes 1-4: meat 'в отношении которого установлена \
         тарифная квота, при наличии лицензии, выданной компетентным органом', i.e. the \
         in-quota rate, with a licence; ru.02_2022.pdf)"
    } else {
        ""
    };
    let list = |ls: &[&NationalLine]| {
        ls.iter()
            .map(|s| format!("{} '{}' ({})", s.hs, s.rate_text, s.description))
            .collect::<Vec<_>>()
            .join("; ")
    };
    if let Some(clause) = note_clause(&l.description) {
        let others: Vec<&NationalLine> = subheading
            .iter()
            .copied()
            .filter(|s| {
                within(&l.description_path, &s.description_path)
                    && note_clause(&s.full_description()).is_none()
            })
            .collect();
        return Some(format!(
            "line {} holds only for goods imported '{clause}'{quota}: rate '{}' then; {}",
            l.hs,
            l.rate_text,
            if others.is_empty() {
                "no line for other imports was found under the same heading".to_owned()
            } else {
                format!("other imports fall under {}", list(&others))
            }
        ));
    }
    let under: Vec<&NationalLine> = subheading
        .iter()
        .copied()
        .filter(|s| {
            note_clause(&s.description).is_some()
                && within(&s.description_path, &l.description_path)
        })
        .collect();
    if under.is_empty() {
        return None;
    }
    Some(format!(
        "line {} ('{}') is for goods not imported under the tariff's additional note{quota}; \
         goods imported under it pay the rate of {}",
        l.hs,
        l.rate_text,
        list(&under)
    ))
}

/// The condition marks (`5)`, `12)`: end use, quality, technical parameters) among a line's
/// footnotes; the `NNС)` marks are rate notes, not conditions.
fn condition_marks(footnotes: &str) -> Vec<&str> {
    footnotes
        .split(';')
        .map(str::trim)
        .filter(|m| {
            m.strip_suffix(')')
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
        .collect()
}

/// For a line whose rate holds on a condition of the nomenclature's notes (an end use, a
/// quality, a confirmation by an authority): the sibling lines, with their printed rates, that
/// the goods fall under when the condition is not met.
pub fn condition_fallback(
    data: &CostData,
    l: &NationalLine,
    dest: &str,
    date: Date,
) -> Option<String> {
    let marks = condition_marks(&l.footnotes);
    if marks.is_empty() {
        return None;
    }
    let others: Vec<String> = lines_under(data, dest, &l.hs[..6], date)
        .into_iter()
        .filter(|s| s.hs != l.hs && s.description_path == l.description_path)
        .filter(|s| {
            let theirs = condition_marks(&s.footnotes);
            !marks.iter().any(|m| theirs.contains(m))
        })
        .map(|s| format!("{} '{}' ({})", s.hs, s.rate_text, s.description))
        .collect();
    if others.is_empty() {
        return None;
    }
    Some(format!(
        "line {} ('{}') holds only when the condition of note {} is met (its text is in \
         another warning); otherwise the goods go under one of the lines beside it: {}",
        l.hs,
        l.rate_text,
        marks.join(", "),
        others.join("; ")
    ))
}

/// One national line in a search result or a list of candidates.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NationalLineInfo {
    pub hs: String,
    pub description: String,
    /// The rate as printed in the tariff (Russian), with footnote marks.
    pub rate: String,
    /// The duty for this request's quantities, USD, when computable.
    pub duty_usd: Option<f64>,
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NationalMatch {
    pub hs: String,
    pub description: String,
    /// The HS 2022 (English) description of the 6-digit subheading.
    pub hs6_description: String,
    pub rate: String,
    pub score: u32,
}

/// The lines in force for `dest` on `date` under a code of 4 to 10 digits, one per 10-digit
/// code (a member's own line over the common one).
pub fn lines_under<'a>(
    data: &'a CostData,
    dest: &str,
    code: &str,
    date: Date,
) -> Vec<&'a NationalLine> {
    let mut out: Vec<&NationalLine> = Vec::new();
    for l in data
        .national
        .iter()
        .filter(|l| l.hs.starts_with(code) && l.validity.covers(date))
        .filter(|l| l.importer == "EAEU" || l.importer == dest)
    {
        match out.iter_mut().find(|o| o.hs == l.hs) {
            Some(o) => {
                if l.importer == dest {
                    *o = l;
                }
            }
            None => out.push(l),
        }
    }
    out
}

/// Common e-commerce words that the tariff's wording does not use: each expands to words of
/// the tariff (Russian) or of the HS (English).
const SYNONYMS: &[(&str, &[&str])] = &[
    ("футболка", &["майки"]),
    ("футболки", &["майки"]),
    ("t-shirt", &["майки"]),
    ("tshirt", &["майки"]),
    ("t-shirts", &["майки"]),
    ("смартфон", &["8517130000"]),
    ("смартфоны", &["8517130000"]),
    ("smartphone", &["8517130000"]),
    ("phone", &["8517130000"]),
    ("телефон", &["8517130000"]),
    ("mobile", &["8517130000"]),
    ("ноутбук", &["847130"]),
    ("ноутбуки", &["847130"]),
    ("laptop", &["847130"]),
    ("notebook", &["847130"]),
    ("кроссовки", &["640411"]),
    ("sneakers", &["640411"]),
    ("trainers", &["640411"]),
    ("наушники", &["851830"]),
    ("headphones", &["851830"]),
    ("earbuds", &["851830"]),
    ("планшет", &["847130"]),
    ("tablet", &["847130"]),
    ("джинсы", &["620342", "620462"]),
    ("jeans", &["620342", "620462"]),
    ("игрушки", &["9503"]),
    ("toys", &["9503"]),
    ("сухофрукты", &["0813"]),
    ("dried fruit", &["0813"]),
    ("автозапчасти", &["8708"]),
    ("auto parts", &["8708"]),
    ("car parts", &["8708"]),
];

fn norm_words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| w.chars().count() > 1)
        .map(|w| w.to_owned())
        .collect()
}

/// Crude stem: the first 5 letters of a Russian word (enough for "футболки"/"футболка"),
/// the singular of an English one.
fn stem(w: &str) -> String {
    if w.chars().any(|c| ('а'..='я').contains(&c) || c == 'ё') {
        w.chars().take(5).collect()
    } else if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
        w[..w.len() - 1].to_owned()
    } else {
        w.to_owned()
    }
}

/// Searches the national lines by code prefix or by words (Russian as printed, or English via
/// the HS 2022 subheading), with synonyms for common e-commerce goods.
pub fn search(data: &CostData, query: &str, date: Date, limit: usize) -> Vec<NationalMatch> {
    let info = |l: &NationalLine, score: u32| NationalMatch {
        hs: l.hs.clone(),
        description: l.full_description(),
        hs6_description: data
            .hs
            .get(&l.hs[..6])
            .map(|e| e.description.clone())
            .unwrap_or_default(),
        rate: l.rate_text.clone(),
        score,
    };
    let current = || {
        lines_under(data, "", "", date)
            .into_iter()
            .filter(|l| l.importer == "EAEU")
    };
    if let Some(code) = normalize_code(query) {
        return current()
            .filter(|l| l.hs.starts_with(&code))
            .take(limit)
            .map(|l| info(l, 1000))
            .collect();
    }
    let lower = query.to_lowercase();
    let mut prefixes: Vec<&str> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    for (k, v) in SYNONYMS {
        if lower.contains(k) {
            for t in *v {
                if t.bytes().all(|b| b.is_ascii_digit()) {
                    prefixes.push(t);
                } else {
                    words.push(stem(t));
                }
            }
        }
    }
    let qwords: Vec<String> = norm_words(query)
        .into_iter()
        .filter(|w| !SYNONYMS.iter().any(|(k, _)| k == w))
        .map(|w| stem(&w))
        .collect();
    let mut hits: Vec<(u32, &NationalLine)> = Vec::new();
    for l in current() {
        let ru = norm_words(&l.full_description());
        let en = data
            .hs
            .get(&l.hs[..6])
            .map(|e| norm_words(&e.description))
            .unwrap_or_default();
        let has = |w: &str| {
            ru.iter().chain(en.iter()).any(|x| x.starts_with(w))
                || (w.len() > 4
                    && ru
                        .iter()
                        .chain(en.iter())
                        .any(|x| x.replace('-', "") == w.replace('-', "")))
        };
        let mut score = 0u32;
        if prefixes.iter().any(|p| l.hs.starts_with(p)) {
            score += 200;
        }
        let syn_ok = words.is_empty() || words.iter().any(|w| has(w));
        if !words.is_empty() && syn_ok {
            score += 150;
        }
        let all_q = !qwords.is_empty() && qwords.iter().all(|w| has(w));
        if all_q {
            score += 100;
        }
        if score == 0 || (!qwords.is_empty() && !all_q && prefixes.is_empty() && words.is_empty()) {
            continue;
        }
        // Fewer words: a more specific match.
        score += 50u32.saturating_sub(ru.len() as u32 / 2);
        hits.push((score, l));
    }
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.hs.cmp(&b.1.hs)));
    hits.into_iter()
        .take(limit)
        .map(|(s, l)| info(l, s))
        .collect()
}
