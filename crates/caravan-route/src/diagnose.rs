//! Why there is no route: relaxes one constraint at a time (closed crossings, avoided
//! countries, modes) and says which one blocks.

use std::collections::BTreeSet;

use caravan_net::LinkClass;

use crate::graph::ArcKind;
use crate::{modes_label, Prepared, RouteError, RouteRequest, Router};

impl Router {
    /// Explains why a request has no route, by relaxing one constraint at a time.
    pub(crate) fn diagnose(&self, req: &RouteRequest, p: &Prepared) -> RouteError {
        let o = &p.origin.endpoint.name;
        let d = &p.destination.endpoint.name;
        // 1. Closed or avoided crossings?
        let mut open_all = p.constraints.clone();
        open_all.bcp_blocked.iter_mut().for_each(|b| *b = false);
        if let Some(f) = self.search(p, &open_all) {
            let mut closed = BTreeSet::new();
            let mut pairs = BTreeSet::new();
            for &a in &f.arcs {
                if let ArcKind::Border { bcp, .. } = self.graph.arcs[a as usize].kind {
                    if p.constraints.bcp_blocked[bcp as usize] {
                        let b = &self.net.bcps[bcp as usize];
                        closed.insert(format!(
                            "{} ({}-{}, {})",
                            b.name,
                            b.country_a,
                            b.country_b,
                            if b.status_note.is_empty() {
                                b.status.as_str()
                            } else {
                                b.status_note.as_str()
                            }
                        ));
                        pairs.insert((b.pair(), b.mode));
                    }
                }
            }
            let mut reason = format!("no route from {o} to {d}: every route needs a border crossing that is closed or avoided in this request");
            for ((a, b), mode) in &pairs {
                let listed: Vec<_> = self
                    .net
                    .bcps
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| x.listed && x.pair() == (*a, *b) && x.mode == *mode)
                    .collect();
                if listed.iter().all(|(i, _)| p.constraints.bcp_blocked[*i]) {
                    reason.push_str(&format!(
                        "; every {mode} crossing between {a} and {b} is closed ({})",
                        listed
                            .iter()
                            .map(|(_, x)| x.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
            return RouteError::NoRoute {
                reason,
                blocking: closed.into_iter().collect(),
            };
        }
        // 2. Avoided countries?
        if !p.constraints.avoid_countries.is_empty() {
            let mut relaxed = p.constraints.clone();
            relaxed.avoid_countries.clear();
            if self.search(p, &relaxed).is_some() {
                return RouteError::NoRoute {
                    reason: format!(
                        "no route from {o} to {d} that avoids {}: every route passes through an avoided country",
                        req.avoid_countries.join(", ")
                    ),
                    blocking: req.avoid_countries.clone(),
                };
            }
        }
        // 3. Modes?
        if p.constraints.class_allowed.iter().any(|a| !a) {
            let mut relaxed = p.constraints.clone();
            relaxed.class_allowed = [true; LinkClass::COUNT];
            let all = p.with_access_for(self, &relaxed);
            if let Some(f) = self.search(&all, &relaxed) {
                let modes: BTreeSet<_> = f
                    .arcs
                    .iter()
                    .map(|a| match self.graph.arcs[*a as usize].class {
                        LinkClass::InlandWater => "inland_water",
                        c => c.layer().as_str(),
                    })
                    .collect();
                return RouteError::NoRoute {
                    reason: format!(
                        "no route from {o} to {d} using only {}; one exists using {}",
                        modes_label(&p.constraints.class_allowed),
                        modes.into_iter().collect::<Vec<_>>().join(" + ")
                    ),
                    blocking: Vec::new(),
                };
            }
        }
        RouteError::NoRoute {
            reason: format!(
                "{o} and {d} are in parts of the network that no link, crossing or port joins"
            ),
            blocking: Vec::new(),
        }
    }
}
