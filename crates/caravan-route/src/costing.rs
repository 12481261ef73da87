//! Per-request pricing: turns arc components into hours, USD and kg CO2e for the request's
//! cargo, applies the scenario overlay, and combines them into the criterion's weight.

use caravan_net::{Country, LinkClass, Network};

use crate::graph::{Arc, ArcKind};
use crate::request::Criterion;

/// Hours, USD and kg CO2e of one step, split by what they are spent on.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Parts {
    pub km: f64,
    pub moving_hours: f64,
    pub border_hours: f64,
    pub transfer_hours: f64,
    pub moving_usd: f64,
    pub border_usd: f64,
    pub transfer_usd: f64,
    pub co2e_kg: f64,
}

impl Parts {
    pub fn hours(&self) -> f64 {
        self.moving_hours + self.border_hours + self.transfer_hours
    }
    pub fn usd(&self) -> f64 {
        self.moving_usd + self.border_usd + self.transfer_usd
    }
    pub fn add(&mut self, o: &Parts) {
        self.km += o.km;
        self.moving_hours += o.moving_hours;
        self.border_hours += o.border_hours;
        self.transfer_hours += o.transfer_hours;
        self.moving_usd += o.moving_usd;
        self.border_usd += o.border_usd;
        self.transfer_usd += o.transfer_usd;
        self.co2e_kg += o.co2e_kg;
    }
}

/// Which parts of the network a search may use.
#[derive(Clone, Debug)]
pub(crate) struct Constraints {
    pub class_allowed: [bool; LinkClass::COUNT],
    pub bcp_blocked: Vec<bool>,
    pub terminal_blocked: Vec<bool>,
    pub avoid_countries: Vec<Country>,
    /// Planned projects switched on, by index into `Network::projects`.
    pub project_on: Vec<bool>,
    /// The first node of the planned projects.
    pub first_planned_node: u32,
    /// Links from `first_gated_link` on may be off (planned links of projects not switched on,
    /// links a scenario removes): `link_open[link - first_gated_link]`. Planned links come
    /// last, so without removals the hot loop's cost for the existing network is one
    /// comparison.
    pub first_gated_link: u32,
    pub link_open: Vec<bool>,
}

impl Constraints {
    /// The constraints' planned-element tables for the projects switched on.
    /// `removed` are links a scenario takes out (existing or planned).
    pub fn set_projects(&mut self, net: &Network, on: Vec<bool>, removed: &[u32]) {
        let (first_node, first_link) = net.base_counts();
        self.first_planned_node = first_node;
        let first = removed
            .iter()
            .copied()
            .min()
            .unwrap_or(first_link)
            .min(first_link);
        self.first_gated_link = first;
        self.link_open = vec![true; net.links.len() - first as usize];
        for (i, span) in net.projects.iter().enumerate() {
            let enabled = on.get(i).copied().unwrap_or(false);
            for l in span.links[0]..span.links[1] {
                self.link_open[(l - first) as usize] = enabled;
            }
            if !enabled {
                for &b in &span.bcps {
                    self.bcp_blocked[b as usize] = true;
                }
                for &t in &span.terminals {
                    self.terminal_blocked[t as usize] = true;
                }
            }
        }
        for &l in removed {
            self.link_open[(l - first) as usize] = false;
        }
        self.project_on = on;
    }

    /// Whether a link may be used as far as planned projects go.
    #[inline]
    pub fn link_on(&self, link: u32) -> bool {
        link < self.first_gated_link
            || link == crate::graph::NO_LINK
            || self.link_open[(link - self.first_gated_link) as usize]
    }

    /// Whether a node exists in this request: an existing node, or one of a project on.
    pub fn node_on(&self, net: &Network, node: u32) -> bool {
        node < self.first_planned_node
            || net
                .project_of_node(node)
                .is_some_and(|p| self.project_on.get(p).copied().unwrap_or(false))
    }

    /// Applies the rule for unlisted crossings: usable only while some listed crossing of the
    /// same country pair and mode is usable (so closing every listed AF-PK crossing closes the
    /// pair, instead of leaving a back door).
    pub fn close_orphaned_unlisted(&mut self, net: &Network) {
        let open_pairs: Vec<_> = net
            .bcps
            .iter()
            .enumerate()
            .filter(|(i, b)| b.listed && !self.bcp_blocked[*i])
            .map(|(_, b)| (b.pair(), b.mode))
            .collect();
        for (i, b) in net.bcps.iter().enumerate() {
            if !b.listed && !open_pairs.contains(&(b.pair(), b.mode)) {
                self.bcp_blocked[i] = true;
            }
        }
    }
}

/// Everything needed to price arcs for one request.
#[derive(Clone, Debug)]
pub(crate) struct Pricing {
    pub tonnes: f64,
    /// Per class: hours, USD and kg CO2e per km for this cargo.
    per_km: [(f64, f64, f64); LinkClass::COUNT],
    /// Per BCP and direction: wait hours and fee USD for this cargo (scenario applied).
    pub bcp_wait: Vec<[f64; 2]>,
    pub bcp_fee: Vec<[f64; 2]>,
    gauge: (f64, f64),
    terminal: Vec<(f64, f64)>,
    /// Per planned link (`[link - first_planned_link]`): hours, USD and kg CO2e per km where
    /// its project gives a speed or tariff of its own, else its class's.
    first_planned_link: u32,
    planned_per_km: Vec<(f64, f64, f64)>,
    /// Weights of USD, hours and kg CO2e in the criterion.
    pub w_usd: f64,
    pub w_hours: f64,
    pub w_co2: f64,
    pub value_of_time_usd_per_h: f64,
    pub carbon_price_usd_per_kg: f64,
    /// Hot-loop tables, derived from the above by `refresh_weights`.
    class_weight: [f64; LinkClass::COUNT],
    bcp_weight: Vec<[f64; 2]>,
    gauge_weight: f64,
    terminal_weight: Vec<f64>,
    planned_weight: Vec<f64>,
}

impl Pricing {
    pub fn new(
        net: &Network,
        criterion: Criterion,
        tonnes: f64,
        value_usd: f64,
        vot_day_share: f64,
        carbon_usd_per_t: f64,
    ) -> Pricing {
        let p = &net.params;
        let per_km = LinkClass::ALL.map(|c| {
            let cp = p.class(c);
            (
                1.0 / cp.speed_kmh.value,
                cp.cost_usd_per_tkm.value * tonnes,
                cp.co2e_g_per_tkm.value * tonnes / 1000.0,
            )
        });
        let vehicles = |mode: caravan_net::Layer| {
            let payload = p
                .class(match mode {
                    caravan_net::Layer::Rail => LinkClass::Rail,
                    _ => LinkClass::Road,
                })
                .payload_t
                .value;
            (tonnes / payload).ceil().max(1.0)
        };
        let bcp_fee = net
            .bcps
            .iter()
            .map(|b| b.fee_usd.map(|f| f * vehicles(b.mode)))
            .collect();
        let terminal = net
            .terminals
            .iter()
            .map(|t| (t.handling_hours.value, t.handling_usd_per_t.value * tonnes))
            .collect();
        let (_, first_planned_link) = net.base_counts();
        let mut planned_per_km = Vec::with_capacity(net.links.len() - first_planned_link as usize);
        for span in &net.projects {
            for (k, l) in (span.links[0]..span.links[1]).enumerate() {
                let (h, usd, co2) = per_km[net.links[l as usize].class.index()];
                let h = span.link_speed_kmh[k].map_or(h, |v| 1.0 / v);
                let usd = span.link_usd_per_tkm[k].map_or(usd, |v| v * tonnes);
                planned_per_km.push((h, usd, co2));
            }
        }
        let vot = value_usd * vot_day_share / 24.0;
        let carbon = carbon_usd_per_t / 1000.0;
        // Pure criteria keep a tiny weight on the others so that ties break sensibly.
        let (w_usd, w_hours, w_co2) = match criterion {
            Criterion::Fastest => (1e-6, 1.0, 0.0),
            Criterion::Cheapest => (1.0, 1e-6, 0.0),
            Criterion::Greenest => (1e-6, 0.0, 1.0),
            Criterion::Generalized => (1.0, vot, carbon),
        };
        let mut p = Pricing {
            tonnes,
            per_km,
            bcp_wait: net.bcps.iter().map(|b| b.wait_hours).collect(),
            bcp_fee,
            gauge: (
                p.gauge_change.hours.value,
                p.gauge_change.usd_per_t.value * tonnes,
            ),
            terminal,
            first_planned_link,
            planned_per_km,
            w_usd,
            w_hours,
            w_co2,
            value_of_time_usd_per_h: vot,
            carbon_price_usd_per_kg: carbon,
            class_weight: [0.0; LinkClass::COUNT],
            bcp_weight: Vec::new(),
            gauge_weight: 0.0,
            terminal_weight: Vec::new(),
            planned_weight: Vec::new(),
        };
        p.refresh_weights();
        p
    }

    /// Applies a mode-wide change: multiplies a class's (and its planned links') speed,
    /// tariff and emissions. Call `refresh_weights` after.
    pub fn scale_class(
        &mut self,
        net: &Network,
        class: LinkClass,
        speed: f64,
        cost: f64,
        co2: f64,
    ) {
        let scale = |t: &mut (f64, f64, f64)| {
            t.0 /= speed;
            t.1 *= cost;
            t.2 *= co2;
        };
        scale(&mut self.per_km[class.index()]);
        for (k, t) in self.planned_per_km.iter_mut().enumerate() {
            let link = self.first_planned_link as usize + k;
            if net.links[link].class == class {
                scale(t);
            }
        }
    }

    /// Hours, USD and kg CO2e per km of an arc's line-haul.
    #[inline]
    fn arc_per_km(&self, arc: &Arc) -> (f64, f64, f64) {
        if arc.link >= self.first_planned_link && arc.link != crate::graph::NO_LINK {
            self.planned_per_km[(arc.link - self.first_planned_link) as usize]
        } else {
            self.per_km[arc.class.index()]
        }
    }

    /// The weight per km of an arc's line-haul.
    #[inline]
    fn arc_weight_per_km(&self, arc: &Arc) -> f64 {
        if arc.link >= self.first_planned_link && arc.link != crate::graph::NO_LINK {
            self.planned_weight[(arc.link - self.first_planned_link) as usize]
        } else {
            self.class_weight[arc.class.index()]
        }
    }

    /// Recomputes the per-request weight tables; call after changing waits or fees.
    pub fn refresh_weights(&mut self) {
        let w = |usd: f64, hours: f64, co2: f64| {
            self.w_usd * usd + self.w_hours * hours + self.w_co2 * co2
        };
        self.class_weight = self.per_km.map(|(h, usd, co2)| w(usd, h, co2));
        self.bcp_weight = self
            .bcp_wait
            .iter()
            .zip(&self.bcp_fee)
            .map(|(h, f)| [w(f[0], h[0], 0.0), w(f[1], h[1], 0.0)])
            .collect();
        self.gauge_weight = w(self.gauge.1, self.gauge.0, 0.0);
        self.terminal_weight = self
            .terminal
            .iter()
            .map(|(h, usd)| w(*usd, *h, 0.0))
            .collect();
        self.planned_weight = self
            .planned_per_km
            .iter()
            .map(|(h, usd, co2)| w(*usd, *h, *co2))
            .collect();
    }

    /// Feeds every table `arc_weight` reads into a hasher: equal hashes, equal arc weights.
    pub fn hash_tables(&self, h: &mut impl std::hash::Hasher) {
        let mut put = |x: f64| h.write_u64(x.to_bits());
        self.class_weight.iter().copied().for_each(&mut put);
        self.bcp_weight.iter().flatten().copied().for_each(&mut put);
        put(self.gauge_weight);
        self.terminal_weight.iter().copied().for_each(&mut put);
        self.planned_weight.iter().copied().for_each(&mut put);
    }

    /// The criterion's weight of an arc: the search's hot path, equal to
    /// `weight(&arc_parts(arc))` but from precomputed tables.
    #[inline]
    pub fn arc_weight(&self, arc: &Arc) -> f64 {
        let km = arc.km as f64;
        match arc.kind {
            ArcKind::Line => km * self.arc_weight_per_km(arc),
            ArcKind::Border {
                bcp,
                dir,
                gauge_change,
            } => {
                km * self.arc_weight_per_km(arc)
                    + self.bcp_weight[bcp as usize][dir.index()]
                    + if gauge_change { self.gauge_weight } else { 0.0 }
            }
            ArcKind::Transfer { terminal } => {
                km * self.class_weight[LinkClass::Road.index()]
                    + self.terminal_weight[terminal as usize]
            }
        }
    }

    pub fn weight(&self, p: &Parts) -> f64 {
        self.w_usd * p.usd() + self.w_hours * p.hours() + self.w_co2 * p.co2e_kg
    }

    fn line(&self, class: LinkClass, km: f64) -> Parts {
        Self::line_at(self.per_km[class.index()], km)
    }

    fn line_at((h, usd, co2): (f64, f64, f64), km: f64) -> Parts {
        Parts {
            km,
            moving_hours: km * h,
            moving_usd: km * usd,
            co2e_kg: km * co2,
            ..Parts::default()
        }
    }

    /// The parts of one arc for this request.
    pub fn arc_parts(&self, arc: &Arc) -> Parts {
        let km = arc.km as f64;
        match arc.kind {
            ArcKind::Line => Self::line_at(self.arc_per_km(arc), km),
            ArcKind::Border {
                bcp,
                dir,
                gauge_change,
            } => {
                let mut p = Self::line_at(self.arc_per_km(arc), km);
                p.border_hours = self.bcp_wait[bcp as usize][dir.index()];
                p.border_usd = self.bcp_fee[bcp as usize][dir.index()];
                if gauge_change {
                    p.transfer_hours = self.gauge.0;
                    p.transfer_usd = self.gauge.1;
                }
                p
            }
            ArcKind::Transfer { terminal } => {
                let mut p = self.line(LinkClass::Road, km);
                let (h, usd) = self.terminal[terminal as usize];
                p.transfer_hours = h;
                p.transfer_usd = usd;
                p
            }
        }
    }

    /// Handling at a terminal (used for loading at the origin or unloading at the end).
    pub fn terminal_parts(&self, terminal: usize) -> (f64, f64) {
        self.terminal[terminal]
    }

    pub fn road_rail_default(&self, net: &Network) -> (f64, f64) {
        let t = &net.params.road_rail_terminal;
        (t.hours.value, t.usd_per_t.value * self.tonnes)
    }

    pub fn drayage(&self, km: f64) -> Parts {
        self.line(LinkClass::Road, km)
    }

    /// The smallest weight per km of any allowed class: the A* lower bound's slope.
    pub fn min_weight_per_km(&self, allowed: &[bool; LinkClass::COUNT]) -> f64 {
        LinkClass::ALL
            .iter()
            .filter(|c| allowed[c.index()])
            .chain(std::iter::once(&LinkClass::Road)) // drayage at transfers and access
            .map(|c| {
                let (h, usd, co2) = self.per_km[c.index()];
                self.w_usd * usd + self.w_hours * h + self.w_co2 * co2
            })
            .chain(self.planned_weight.iter().copied())
            .fold(f64::INFINITY, f64::min)
    }
}
