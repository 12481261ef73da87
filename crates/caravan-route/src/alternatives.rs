//! Alternatives that differ in what matters to a forwarder: crossings, ports, terminals and
//! modes. Each round excludes one feature of a route found so far and searches again.

use std::collections::BTreeSet;

use caravan_net::{Country, Layer, LinkClass};

use crate::astar::Found;
use crate::costing::Constraints;
use crate::graph::{ArcKind, NO_LINK};
use crate::{Prepared, Router, MAX_ALTERNATIVE_SEARCHES};

/// What a route is made of, for telling routes apart and for excluding parts of them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Feature {
    /// A listed BCP row.
    Bcp(u32),
    /// Any unlisted crossing of a country pair and mode.
    UnlistedPair(Country, Country, Layer),
    Terminal(u32),
    Class(LinkClass),
}

pub(crate) fn features(router: &Router, p: &Prepared, f: &Found) -> BTreeSet<Feature> {
    let mut out = BTreeSet::new();
    for &ai in &f.arcs {
        let arc = &router.graph.arcs[ai as usize];
        match arc.kind {
            ArcKind::Border { bcp, .. } => {
                let b = &router.net.bcps[bcp as usize];
                if b.listed {
                    out.insert(Feature::Bcp(bcp));
                } else {
                    let (x, y) = b.pair();
                    out.insert(Feature::UnlistedPair(x, y, b.mode));
                }
            }
            ArcKind::Transfer { terminal } => {
                out.insert(Feature::Terminal(terminal));
            }
            ArcKind::Line => {}
        }
        if arc.link != NO_LINK && arc.class != LinkClass::Road {
            out.insert(Feature::Class(arc.class));
        }
    }
    for t in [
        p.origin_access[f.source.tag].terminal,
        p.dest_access[f.sink.tag].terminal,
    ]
    .into_iter()
    .flatten()
    {
        out.insert(Feature::Terminal(t as u32));
    }
    out
}

fn exclude(router: &Router, c: &mut Constraints, f: &Feature) {
    match f {
        Feature::Bcp(b) => c.bcp_blocked[*b as usize] = true,
        Feature::UnlistedPair(x, y, mode) => {
            for (i, b) in router.net.bcps.iter().enumerate() {
                if !b.listed && b.pair() == (*x, *y) && b.mode == *mode {
                    c.bcp_blocked[i] = true;
                }
            }
        }
        Feature::Terminal(t) => c.terminal_blocked[*t as usize] = true,
        Feature::Class(cl) => c.class_allowed[cl.index()] = false,
    }
}

/// Grows `found` (which holds the best route) to up to `want` routes, each with a set of
/// crossings, terminals and modes that no earlier route has: a best-first search over
/// "exclude one more feature of a route already found", like Yen's algorithm on features.
pub(crate) fn alternatives(
    router: &Router,
    p: &Prepared,
    found: &mut Vec<(Found, Constraints)>,
    want: usize,
) {
    // Every variant only closes more than the request, so the request's exact weights to
    // the destination guide each variant's A* (CH potentials).
    router.with_potential_to_destination(p, |potential| grow(router, p, found, want, potential))
}

fn grow(
    router: &Router,
    p: &Prepared,
    found: &mut Vec<(Found, Constraints)>,
    want: usize,
    potential: Option<&dyn Fn(u32) -> f64>,
) {
    let mut signatures: Vec<BTreeSet<Feature>> = vec![features(router, p, &found[0].0)];
    let mut tried: BTreeSet<Vec<bool>> = BTreeSet::new();
    let mut candidates: Vec<(Found, Constraints, BTreeSet<Feature>)> = Vec::new();
    let mut searches = 0;
    let mut expand_from = 0;
    while found.len() < want && searches < MAX_ALTERNATIVE_SEARCHES {
        // Expand every route found since the last round.
        for i in expand_from..found.len() {
            for feat in signatures[i].clone() {
                let mut c = found[i].1.clone();
                exclude(router, &mut c, &feat);
                let key: Vec<bool> = c
                    .bcp_blocked
                    .iter()
                    .chain(&c.terminal_blocked)
                    .chain(&c.class_allowed)
                    .copied()
                    .collect();
                if !tried.insert(key) || searches >= MAX_ALTERNATIVE_SEARCHES {
                    continue;
                }
                searches += 1;
                if let Some(f) = router.search_guided(p, &c, potential) {
                    let sig = features(router, p, &f);
                    candidates.push((f, c, sig));
                }
            }
        }
        expand_from = found.len();
        candidates.retain(|(_, _, sig)| !signatures.contains(sig));
        let Some(best) = candidates
            .iter()
            .enumerate()
            .min_by(|a, b| a.1 .0.weight.total_cmp(&b.1 .0.weight))
            .map(|(i, _)| i)
        else {
            break;
        };
        let (f, c, sig) = candidates.swap_remove(best);
        signatures.push(sig);
        found.push((f, c));
    }
}
