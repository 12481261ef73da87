//! fixest-style formulas: `trade ~ RTA + log(DIST) + CNTG | exporter^year + importer^year +
//! exporter^importer`.

use std::fmt;

use crate::GravityError;

/// One regressor: a column, or the natural log of one (`log(x)` or `ln(x)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    Column(String),
    Log(String),
    /// `I(a != b)`: 1 where the two columns differ (e.g. an international-border dummy).
    NotEqual(String, String),
}

impl Term {
    /// The data column the term reads.
    pub fn column(&self) -> &str {
        match self {
            Term::Column(c) | Term::Log(c) | Term::NotEqual(c, _) => c,
        }
    }

    /// Every data column the term reads.
    pub fn columns(&self) -> Vec<&str> {
        match self {
            Term::Column(c) | Term::Log(c) => vec![c],
            Term::NotEqual(a, b) => vec![a, b],
        }
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Column(c) => write!(f, "{c}"),
            Term::Log(c) => write!(f, "log({c})"),
            Term::NotEqual(a, b) => write!(f, "I({a} != {b})"),
        }
    }
}

/// One set of fixed effects: a column, or the interaction of several (`exporter^year`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeTerm {
    pub columns: Vec<String>,
}

impl fmt::Display for FeTerm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.columns.join("^"))
    }
}

/// A parsed formula.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Formula {
    pub response: String,
    pub regressors: Vec<Term>,
    pub fixed_effects: Vec<FeTerm>,
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rhs: Vec<String> = self.regressors.iter().map(|t| t.to_string()).collect();
        write!(
            f,
            "{} ~ {}",
            self.response,
            if rhs.is_empty() {
                "1".to_string()
            } else {
                rhs.join(" + ")
            }
        )?;
        if !self.fixed_effects.is_empty() {
            let fe: Vec<String> = self.fixed_effects.iter().map(|t| t.to_string()).collect();
            write!(f, " | {}", fe.join(" + "))?;
        }
        Ok(())
    }
}

impl Formula {
    /// Every data column the formula reads, once each, in order of appearance.
    pub fn columns(&self) -> Vec<String> {
        let mut out: Vec<String> = vec![self.response.clone()];
        let mut push = |c: &str| {
            if !out.iter().any(|o| o == c) {
                out.push(c.to_string());
            }
        };
        for t in &self.regressors {
            for c in t.columns() {
                push(c);
            }
        }
        for fe in &self.fixed_effects {
            for c in &fe.columns {
                push(c);
            }
        }
        out
    }

    pub fn parse(text: &str) -> Result<Formula, GravityError> {
        let err = |message: String| GravityError::Formula {
            formula: text.to_string(),
            message,
        };
        let mut sides = text.split('~');
        let lhs = sides.next().unwrap_or("").trim();
        let rhs = sides
            .next()
            .ok_or_else(|| err("expected `outcome ~ regressors [| fixed effects]`".into()))?;
        if sides.next().is_some() {
            return Err(err("more than one `~`".into()));
        }
        if !is_ident(lhs) {
            return Err(err(format!(
                "the outcome `{lhs}` must be one column name (letters, digits, `_`, `.`)"
            )));
        }
        let mut parts = rhs.split('|');
        let terms_text = parts.next().unwrap_or("");
        let fe_text = parts.next();
        if parts.next().is_some() {
            return Err(err("more than one `|` (IV parts are not supported)".into()));
        }
        let mut regressors = Vec::new();
        let trimmed = terms_text.trim();
        if !(trimmed == "1" || trimmed == "0" || (trimmed.is_empty() && fe_text.is_some())) {
            for raw in terms_text.split('+') {
                let t = raw.trim();
                if t.is_empty() {
                    return Err(err("an empty term (a stray `+`?)".into()));
                }
                let term = parse_term(t).ok_or_else(|| {
                    err(format!(
                        "`{t}` is not a term: use a column name, log(column) or I(a != b)"
                    ))
                })?;
                if regressors.contains(&term) {
                    return Err(err(format!("term `{term}` appears twice")));
                }
                regressors.push(term);
            }
        }
        let mut fixed_effects = Vec::new();
        if let Some(fe) = fe_text {
            for raw in fe.split('+') {
                let t = raw.trim();
                let columns: Vec<String> = t.split('^').map(|c| c.trim().to_string()).collect();
                if t.is_empty() || columns.iter().any(|c| !is_ident(c)) {
                    return Err(err(format!(
                        "`{t}` is not a fixed effect: use a column or columns joined by `^`"
                    )));
                }
                let fe = FeTerm { columns };
                if fixed_effects.contains(&fe) {
                    return Err(err(format!("fixed effect `{fe}` appears twice")));
                }
                fixed_effects.push(fe);
            }
        }
        Ok(Formula {
            response: lhs.to_string(),
            regressors,
            fixed_effects,
        })
    }
}

fn parse_term(t: &str) -> Option<Term> {
    if is_ident(t) {
        return Some(Term::Column(t.to_string()));
    }
    if let Some(inner) = t.strip_prefix("I(").and_then(|r| r.strip_suffix(')')) {
        let (a, b) = inner.split_once("!=")?;
        let (a, b) = (a.trim(), b.trim());
        return (is_ident(a) && is_ident(b)).then(|| Term::NotEqual(a.into(), b.into()));
    }
    for f in ["log(", "ln("] {
        if let Some(rest) = t.strip_prefix(f) {
            let inner = rest.strip_suffix(')')?.trim();
            return is_ident(inner).then(|| Term::Log(inner.to_string()));
        }
    }
    None
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '.')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_structural_gravity_formula() {
        let f = Formula::parse(
            "trade ~ RTA + log(DIST) + CNTG | exporter^year + importer^year + exporter^importer",
        )
        .unwrap();
        let b = Formula::parse("trade ~ I(exporter != importer) | exporter").unwrap();
        assert_eq!(
            b.regressors,
            vec![Term::NotEqual("exporter".into(), "importer".into())]
        );
        assert_eq!(b.to_string(), "trade ~ I(exporter != importer) | exporter");
        assert_eq!(f.response, "trade");
        assert_eq!(
            f.regressors,
            vec![
                Term::Column("RTA".into()),
                Term::Log("DIST".into()),
                Term::Column("CNTG".into())
            ]
        );
        assert_eq!(f.fixed_effects.len(), 3);
        assert_eq!(f.fixed_effects[2].to_string(), "exporter^importer");
        assert_eq!(
            f.columns(),
            vec!["trade", "RTA", "DIST", "CNTG", "exporter", "year", "importer"]
        );
        assert_eq!(
            Formula::parse(&f.to_string()).unwrap(),
            f,
            "display round-trips"
        );
    }

    #[test]
    fn rejects_bad_formulas_with_a_reason() {
        for (bad, why) in [
            ("trade RTA", "expected"),
            ("trade ~ RTA + ", "empty term"),
            ("trade ~ RTA | a^", "not a fixed effect"),
            ("trade ~ exp(RTA)", "not a term"),
            ("log(trade) ~ RTA", "outcome"),
            ("trade ~ RTA + RTA", "twice"),
            ("trade ~ a | b | c", "more than one"),
        ] {
            let e = Formula::parse(bad).unwrap_err().to_string();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }
}
