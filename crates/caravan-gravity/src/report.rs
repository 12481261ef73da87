//! Text renderings of results (returned as strings; the faces print or send them): a
//! fixest-`etable`-like table, CSV and LaTeX for estimates; table and CSV for GE results.

use std::fmt::Write;

use crate::ge::{CountryChange, GeResult};
use crate::ppml::Estimate;

fn stars(p: f64) -> &'static str {
    if p < 0.001 {
        "***"
    } else if p < 0.01 {
        "**"
    } else if p < 0.05 {
        "*"
    } else if p < 0.1 {
        "."
    } else {
        ""
    }
}

pub fn estimate_table(e: &Estimate) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "PPML-HDFE: {}", e.formula);
    let _ = writeln!(
        s,
        "{:<24} {:>12} {:>11} {:>9} {:>10}  {:>23}",
        "term", "estimate", "std. error", "z", "Pr(>|z|)", "95% CI"
    );
    for c in &e.coefficients {
        let _ = writeln!(
            s,
            "{:<24} {:>12.6} {:>11.6} {:>9.3} {:>10.3e}  [{:>10.6}, {:>10.6}] {}",
            c.term,
            c.estimate,
            c.std_error,
            c.z,
            c.p_value,
            c.ci_low,
            c.ci_high,
            stars(c.p_value)
        );
    }
    let _ = writeln!(s, "---");
    let _ = writeln!(
        s,
        "Observations: {} (of {} rows); standard errors: {}",
        e.n_obs, e.n_rows, e.vcov
    );
    if let Some(g) = e.n_clusters {
        let _ = writeln!(s, "Clusters: {g}");
    }
    let _ = writeln!(s, "Small-sample correction: {}", e.small_sample);
    for f in &e.fixed_effect_sets {
        let _ = writeln!(s, "Fixed effects {}: {} levels", f.name, f.levels);
    }
    for d in &e.dropped {
        let _ = writeln!(s, "Dropped {} ({}): {}", d.count, d.reason, d.detail);
    }
    let _ = writeln!(
        s,
        "Deviance {:.6}; log-likelihood {:.4}; pseudo R2 (McFadden) {:.6}; IRLS iterations {} (converged: {})",
        e.deviance, e.log_likelihood, e.pseudo_r2, e.iterations, e.converged
    );
    s
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn estimate_csv(e: &Estimate) -> String {
    let mut s = String::from("term,estimate,std_error,z,p_value,ci_low,ci_high\n");
    for c in &e.coefficients {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{}",
            csv_field(&c.term),
            c.estimate,
            c.std_error,
            c.z,
            c.p_value,
            c.ci_low,
            c.ci_high
        );
    }
    s
}

fn latex_escape(s: &str) -> String {
    s.replace('\\', "\\textbackslash{}")
        .replace('_', "\\_")
        .replace('^', "\\^{}")
        .replace('&', "\\&")
        .replace('%', "\\%")
        .replace('$', "\\$")
        .replace('#', "\\#")
}

pub fn estimate_latex(e: &Estimate) -> String {
    let mut s = String::from("\\begin{tabular}{lc}\n\\hline\n & PPML \\\\\n\\hline\n");
    for c in &e.coefficients {
        let _ = writeln!(
            s,
            "{} & {:.4}$^{{{}}}$ \\\\\n & ({:.4}) \\\\",
            latex_escape(&c.term),
            c.estimate,
            stars(c.p_value).replace('.', "\\dagger"),
            c.std_error
        );
    }
    let _ = writeln!(s, "\\hline");
    for f in &e.fixed_effect_sets {
        let _ = writeln!(s, "{} fixed effects & Yes \\\\", latex_escape(&f.name));
    }
    let _ = writeln!(s, "Observations & {} \\\\", e.n_obs);
    let _ = writeln!(s, "Pseudo $R^2$ & {:.4} \\\\", e.pseudo_r2);
    let _ = writeln!(
        s,
        "\\hline\n\\multicolumn{{2}}{{l}}{{\\footnotesize Standard errors: {}.}} \\\\\n\\end{{tabular}}",
        latex_escape(&e.vcov)
    );
    s
}

fn opt(v: Option<f64>) -> String {
    v.map_or("-".into(), |x| format!("{x:.4}"))
}

fn opt_csv(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| x.to_string())
}

pub fn ge_table(r: &GeResult) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Full-endowment GE (% change; sigma = {}, numeraire: IMR of {}), conditional GE beside",
        r.sigma, r.reference
    );
    let _ = writeln!(
        s,
        "{:<8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} | {:>9} {:>9} {:>9}",
        "country",
        "exports",
        "imports",
        "domestic",
        "price",
        "OMR",
        "IMR",
        "real GDP",
        "c.exports",
        "c.OMR",
        "c.IMR"
    );
    for (f, c) in r.full.iter().zip(&r.conditional) {
        let _ = writeln!(
            s,
            "{:<8} {:>9} {:>9} {:>9} {:>9} {:>9.4} {:>9.4} {:>9} | {:>9} {:>9.4} {:>9.4}",
            f.country,
            opt(f.exports_pct),
            opt(f.imports_pct),
            opt(f.domestic_sales_pct),
            opt(f.producer_price_pct),
            f.omr_pct,
            f.imr_pct,
            opt(f.real_gdp_pct),
            opt(c.exports_pct),
            c.omr_pct,
            c.imr_pct
        );
    }
    let _ = writeln!(
        s,
        "Solved to {:.0e} in log prices / resistances ({} + {} iterations); market clearing error {:.1e}, expenditure error {:.1e}",
        r.tolerance,
        r.iterations_conditional,
        r.iterations_full,
        r.max_market_clearing_error,
        r.max_expenditure_error
    );
    s
}

pub fn ge_csv(r: &GeResult) -> String {
    let mut s = String::from("scenario,country,exports_pct,imports_pct,domestic_sales_pct,output_pct,expenditure_pct,producer_price_pct,omr_pct,imr_pct,real_gdp_pct\n");
    let rows = |name: &str, v: &[CountryChange], s: &mut String| {
        for c in v {
            let _ = writeln!(
                s,
                "{name},{},{},{},{},{},{},{},{},{},{}",
                csv_field(&c.country),
                opt_csv(c.exports_pct),
                opt_csv(c.imports_pct),
                opt_csv(c.domestic_sales_pct),
                opt_csv(c.output_pct),
                opt_csv(c.expenditure_pct),
                opt_csv(c.producer_price_pct),
                c.omr_pct,
                c.imr_pct,
                opt_csv(c.real_gdp_pct)
            );
        }
    };
    rows("full", &r.full, &mut s);
    rows("conditional", &r.conditional, &mut s);
    s
}
