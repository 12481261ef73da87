//! The routing graph compiled from a `Network`: a forward-star (CSR) array of arcs over the
//! physical nodes. Layers are disjoint, so a node *is* its (place, mode/gauge) state: a route
//! changes layer only through a transfer arc at a terminal, and changes gauge only through a
//! border arc flagged with a gauge change. Arcs carry their components (km, class, what they
//! cross), never a baked-in weight, so each request prices them its own way.

use caravan_net::geo::{chord2_to_km, to_unit_xyz};
use caravan_net::packed::{self, take_f32, take_u32, take_u8, Packed};
use caravan_net::{Direction, Layer, LinkClass, Network};
use rstar::primitives::GeomWithData;
use rstar::RTree;
use serde::{Deserialize, Serialize};

pub(crate) const NO_LINK: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum ArcKind {
    /// Line-haul along a link.
    Line,
    /// Line-haul along a link that crosses a border at a BCP, in a direction.
    Border {
        bcp: u32,
        dir: Direction,
        gauge_change: bool,
    },
    /// A change of layer at a terminal (the km are the drayage between the snapped nodes).
    Transfer { terminal: u32 },
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(crate) struct Arc {
    pub head: u32,
    pub km: f32,
    pub class: LinkClass,
    /// The link this arc runs along (`NO_LINK` for transfers), and whether against its order.
    pub link: u32,
    pub reversed: bool,
    pub kind: ArcKind,
}

impl Packed for Arc {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.head.to_le_bytes());
        out.extend_from_slice(&self.km.to_le_bytes());
        out.push(self.class.index() as u8);
        out.extend_from_slice(&self.link.to_le_bytes());
        out.push(self.reversed as u8);
        match self.kind {
            ArcKind::Line => out.push(0),
            ArcKind::Border {
                bcp,
                dir,
                gauge_change,
            } => {
                out.push(1);
                out.extend_from_slice(&bcp.to_le_bytes());
                out.push(dir.index() as u8);
                out.push(gauge_change as u8);
            }
            ArcKind::Transfer { terminal } => {
                out.push(2);
                out.extend_from_slice(&terminal.to_le_bytes());
            }
        }
    }

    fn take(input: &mut &[u8]) -> Option<Self> {
        let head = take_u32(input)?;
        let km = take_f32(input)?;
        let class = *LinkClass::ALL.get(take_u8(input)? as usize)?;
        let link = take_u32(input)?;
        let reversed = take_u8(input)? != 0;
        let kind = match take_u8(input)? {
            0 => ArcKind::Line,
            1 => ArcKind::Border {
                bcp: take_u32(input)?,
                dir: [Direction::AToB, Direction::BToA]
                    .get(take_u8(input)? as usize)
                    .copied()?,
                gauge_change: take_u8(input)? != 0,
            },
            2 => ArcKind::Transfer {
                terminal: take_u32(input)?,
            },
            _ => return None,
        };
        Some(Arc {
            head,
            km,
            class,
            link,
            reversed,
            kind,
        })
    }
}

type NodePoint = GeomWithData<[f64; 3], u32>;

#[derive(Serialize, Deserialize)]
pub(crate) struct Graph {
    #[serde(with = "packed")]
    pub first_out: Vec<u32>,
    #[serde(with = "packed")]
    pub arcs: Vec<Arc>,
    #[serde(with = "packed")]
    pub tails: Vec<u32>,
    #[serde(with = "packed")]
    pub xyz: Vec<[f32; 3]>,
    #[serde(with = "packed")]
    pub gauge: Vec<u16>,
    trees: [RTree<NodePoint>; 3],
    /// Per terminal, the node of each layer (`Layer as usize`) it connects, with the drayage km.
    pub terminal_nodes: Vec<[Option<(u32, f64)>; 3]>,
}

/// How far a terminal may be from the node of a layer it serves.
fn attach_limit_km(layer: Layer) -> f64 {
    match layer {
        Layer::Road => 30.0,
        Layer::Rail => 30.0,
        // MARNET lanes run offshore; ports sit up to tens of km from the nearest lane vertex.
        Layer::Sea => 120.0,
    }
}

impl Graph {
    pub fn build(net: &Network) -> Graph {
        let n = net.nodes.len();
        let mut edges: Vec<(u32, Arc)> = Vec::with_capacity(net.links.len() * 2 + 256);
        for (li, link) in net.links.iter().enumerate() {
            for (tail, head, reversed) in [(link.from, link.to, false), (link.to, link.from, true)]
            {
                let kind = match link.bcp {
                    None => ArcKind::Line,
                    Some(b) => {
                        let bcp = &net.bcps[b as usize];
                        let from_country = net.nodes[tail as usize].country;
                        let dir = if from_country == bcp.country_b {
                            Direction::BToA
                        } else {
                            Direction::AToB
                        };
                        let gauge_change = link.class == LinkClass::Rail && {
                            let g1 = net.gauge_of(net.nodes[tail as usize].country);
                            let g2 = net.gauge_of(net.nodes[head as usize].country);
                            matches!((g1, g2), (Some(a), Some(b)) if a != b)
                        };
                        ArcKind::Border {
                            bcp: b,
                            dir,
                            gauge_change,
                        }
                    }
                };
                edges.push((
                    tail,
                    Arc {
                        head,
                        km: link.km as f32,
                        class: link.class,
                        link: li as u32,
                        reversed,
                        kind,
                    },
                ));
            }
        }

        let mut trees: [Vec<NodePoint>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        for (i, node) in net.nodes.iter().enumerate() {
            trees[node.layer as usize]
                .push(NodePoint::new(to_unit_xyz(node.lat, node.lon), i as u32));
        }
        let trees = trees.map(RTree::bulk_load);

        let mut terminal_nodes = Vec::with_capacity(net.terminals.len());
        // An existing terminal serves the existing network only: a planned line's node next
        // to it must not take its place when the project is off.
        let (first_planned_node, _) = net.base_counts();
        let existing_terminals = net.existing_terminals().len();
        for (ti, t) in net.terminals.iter().enumerate() {
            let planned = ti >= existing_terminals;
            let layers: &[Layer] = match t.kind {
                caravan_net::TerminalKind::RoadRail => &[Layer::Road, Layer::Rail],
                _ => &[Layer::Road, Layer::Rail, Layer::Sea],
            };
            let mut att: [Option<(u32, f64)>; 3] = [None; 3];
            let p = to_unit_xyz(t.lat, t.lon);
            for &layer in layers {
                if let Some((node, d2)) = trees[layer as usize]
                    .nearest_neighbor_iter_with_distance_2(&p)
                    .find(|(n, _)| planned || n.data < first_planned_node)
                {
                    let km = chord2_to_km(d2);
                    if km <= attach_limit_km(layer) {
                        att[layer as usize] = Some((node.data, km));
                    }
                }
            }
            for a in 0..3 {
                for b in 0..3 {
                    if let (true, Some((na, ka)), Some((nb, kb))) = (a != b, att[a], att[b]) {
                        edges.push((
                            na,
                            Arc {
                                head: nb,
                                km: (ka + kb) as f32,
                                class: LinkClass::Road,
                                link: NO_LINK,
                                reversed: false,
                                kind: ArcKind::Transfer {
                                    terminal: ti as u32,
                                },
                            },
                        ));
                    }
                }
            }
            terminal_nodes.push(att);
        }

        edges.sort_by_key(|(tail, _)| *tail);
        let mut first_out = vec![0u32; n + 1];
        for (tail, _) in &edges {
            first_out[*tail as usize + 1] += 1;
        }
        for i in 0..n {
            first_out[i + 1] += first_out[i];
        }
        let tails = edges.iter().map(|(t, _)| *t).collect();
        let arcs = edges.into_iter().map(|(_, a)| a).collect();
        let xyz = net
            .nodes
            .iter()
            .map(|nd| to_unit_xyz(nd.lat, nd.lon).map(|v| v as f32))
            .collect();
        let gauge = net
            .nodes
            .iter()
            .map(|nd| {
                if nd.layer == Layer::Rail {
                    net.gauge_of(nd.country).unwrap_or(0)
                } else {
                    0
                }
            })
            .collect();
        Graph {
            first_out,
            arcs,
            tails,
            xyz,
            gauge,
            trees,
            terminal_nodes,
        }
    }

    pub fn out_arcs(&self, node: u32) -> std::ops::Range<usize> {
        self.first_out[node as usize] as usize..self.first_out[node as usize + 1] as usize
    }

    /// The `k` nearest nodes of a layer within `max_km`, nearest first.
    pub fn nearest(
        &self,
        layer: Layer,
        lat: f64,
        lon: f64,
        k: usize,
        max_km: f64,
    ) -> Vec<(u32, f64)> {
        let p = to_unit_xyz(lat, lon);
        self.trees[layer as usize]
            .nearest_neighbor_iter_with_distance_2(&p)
            .take(k)
            .map(|(n, d2)| (n.data, chord2_to_km(d2)))
            .filter(|(_, km)| *km <= max_km)
            .collect()
    }

    pub fn node_count(&self) -> usize {
        self.first_out.len().saturating_sub(1)
    }

    /// Checks that every index in a decoded graph points into it and into `net`, so a file
    /// that decodes but does not fit gives an error instead of a panic or a wrong route.
    pub fn check(&self, net: &Network) -> Result<(), String> {
        let n = net.nodes.len();
        let arcs = self.arcs.len();
        let ok_first = self.first_out.len() == n + 1
            && self.first_out.first() == Some(&0)
            && self.first_out.last().map(|&l| l as usize) == Some(arcs)
            && self.first_out.windows(2).all(|w| w[0] <= w[1]);
        if !ok_first {
            return Err("its arc offsets do not fit its nodes".into());
        }
        if self.tails.len() != arcs || self.xyz.len() != n || self.gauge.len() != n {
            return Err("its per-arc or per-node arrays have the wrong length".into());
        }
        if self.terminal_nodes.len() != net.terminals.len() {
            return Err("its terminals do not match the network's".into());
        }
        let links_ok = net
            .links
            .iter()
            .all(|l| (l.from as usize) < n && (l.to as usize) < n);
        let arcs_ok = self.tails.iter().zip(&self.arcs).all(|(&t, a)| {
            (t as usize) < n
                && (a.head as usize) < n
                && (a.link == NO_LINK || (a.link as usize) < net.links.len())
                && match a.kind {
                    ArcKind::Line => true,
                    ArcKind::Border { bcp, .. } => (bcp as usize) < net.bcps.len(),
                    ArcKind::Transfer { terminal } => (terminal as usize) < net.terminals.len(),
                }
        });
        let terminals_ok = self
            .terminal_nodes
            .iter()
            .flatten()
            .flatten()
            .all(|&(node, _)| (node as usize) < n);
        if links_ok && arcs_ok && terminals_ok {
            Ok(())
        } else {
            Err("an index in it points outside the network".into())
        }
    }
}
