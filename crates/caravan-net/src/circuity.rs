//! How much longer a road is than the simplified graph draws it.
//!
//! The source road graph keeps a vertex every few km, so a straight chord stands for whatever
//! the road does in between: on the steppe almost nothing, in the mountains switchbacks and
//! valley bends. The factor therefore grows with the terrain a link crosses (metres climbed
//! and descended per km on a coarse altitude map, written by the build): `flat` up to
//! `climb_flat`, `mountain` from `climb_mountain` on, linear in between. The four numbers
//! are fitted on the calibration facts only (`mode_params.csv` says how); a file with only
//! `circuity_factor` gives one factor for every road.

use std::collections::HashMap;

use crate::{DataError, Sourced};

/// The road circuity model of `mode_params.csv`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoadCircuity {
    pub flat: f64,
    pub mountain: f64,
    pub climb_flat: f64,
    pub climb_mountain: f64,
    /// Mean segment length (km) from which the excess applies in full; `None`: always.
    pub full_segment_km: Option<f64>,
}

impl RoadCircuity {
    /// One factor for every road link.
    pub fn single(factor: f64) -> Self {
        RoadCircuity {
            flat: factor,
            mountain: factor,
            climb_flat: f64::INFINITY,
            climb_mountain: f64::INFINITY,
            full_segment_km: None,
        }
    }

    /// Reads the `road` rows of the mode parameters; `file` names them in errors.
    pub(crate) fn from_params(
        file: &str,
        modes: &HashMap<(String, String), Sourced>,
    ) -> Result<Self, DataError> {
        let get = |p: &str| {
            modes
                .get(&("road".to_owned(), p.to_owned()))
                .map(|s| s.value)
        };
        let flat = get("circuity_factor").unwrap_or(1.0);
        let c = match (
            get("circuity_factor_mountain"),
            get("circuity_climb_flat_m_per_km"),
            get("circuity_climb_mountain_m_per_km"),
        ) {
            (None, None, None) => Self::single(flat),
            (Some(mountain), Some(climb_flat), Some(climb_mountain)) => RoadCircuity {
                flat,
                mountain,
                climb_flat,
                climb_mountain,
                full_segment_km: get("circuity_full_segment_km"),
            },
            _ => {
                return Err(DataError::Invalid(vec![format!(
                    "{file}: road circuity_factor_mountain, circuity_climb_flat_m_per_km and \
                     circuity_climb_mountain_m_per_km come together (all three or none)"
                )]))
            }
        };
        let mut errors = Vec::new();
        for (name, f) in [
            ("circuity_factor", c.flat),
            ("circuity_factor_mountain", c.mountain),
        ] {
            if !(1.0..=2.0).contains(&f) {
                errors.push(format!("{file}: road {name} must be in [1, 2], got {f}"));
            }
        }
        if !(c.climb_flat >= 0.0 && c.climb_mountain >= c.climb_flat) {
            errors.push(format!(
                "{file}: road circuity climbs must satisfy 0 <= flat <= mountain, got {} and {}",
                c.climb_flat, c.climb_mountain
            ));
        }
        if let Some(l) = c.full_segment_km {
            if !(l > 0.0 && l <= 100.0) {
                errors.push(format!(
                    "{file}: road circuity_full_segment_km must be in (0, 100], got {l}"
                ));
            }
        }
        if errors.is_empty() {
            Ok(c)
        } else {
            Err(DataError::Invalid(errors))
        }
    }

    /// The factor of a road link with this climb (m per km); a link without a climb (an older
    /// edges file) takes the flat factor. `segment_km` is the link's mean straight segment
    /// (its km over its number of segments).
    pub fn factor(&self, climb_m_per_km: Option<f64>, segment_km: f64) -> f64 {
        let Some(c) = climb_m_per_km else {
            return self.flat;
        };
        let terrain = if c <= self.climb_flat {
            self.flat
        } else if c >= self.climb_mountain {
            self.mountain
        } else {
            let t = (c - self.climb_flat) / (self.climb_mountain - self.climb_flat);
            self.flat + (self.mountain - self.flat) * t
        };
        match self.full_segment_km {
            Some(full) => 1.0 + (terrain - 1.0) * (segment_km / full).clamp(0.0, 1.0),
            None => terrain,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> RoadCircuity {
        RoadCircuity {
            flat: 1.0,
            mountain: 1.4,
            climb_flat: 10.0,
            climb_mountain: 30.0,
            full_segment_km: None,
        }
    }

    #[test]
    fn flat_below_mountain_above_linear_between() {
        let m = model();
        assert_eq!(m.factor(Some(0.0), 20.0), 1.0);
        assert_eq!(m.factor(Some(10.0), 20.0), 1.0);
        assert!((m.factor(Some(20.0), 20.0) - 1.2).abs() < 1e-12);
        assert_eq!(m.factor(Some(30.0), 20.0), 1.4);
        assert_eq!(m.factor(Some(500.0), 20.0), 1.4);
        assert_eq!(m.factor(None, 20.0), 1.0);
    }

    #[test]
    fn finely_drawn_links_take_a_share_of_the_excess() {
        let m = RoadCircuity {
            full_segment_km: Some(10.0),
            ..model()
        };
        assert_eq!(m.factor(Some(50.0), 10.0), 1.4);
        assert_eq!(m.factor(Some(50.0), 25.0), 1.4);
        assert!((m.factor(Some(50.0), 5.0) - 1.2).abs() < 1e-12);
        assert!((m.factor(Some(50.0), 0.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn factor_never_falls_as_climb_grows() {
        let m = model();
        let mut last = 0.0;
        for i in 0..1000 {
            let f = m.factor(Some(i as f64 * 0.1), 20.0);
            assert!(f >= last);
            last = f;
        }
    }

    #[test]
    fn single_factor_ignores_terrain() {
        let m = RoadCircuity::single(1.164);
        assert_eq!(m.factor(Some(0.0), 20.0), 1.164);
        assert_eq!(m.factor(Some(80.0), 20.0), 1.164);
    }

    fn sourced(v: f64) -> Sourced {
        Sourced {
            value: v,
            basis: crate::Basis::Derived,
            source: String::new(),
        }
    }

    #[test]
    fn params_come_together_and_in_range() {
        let mut p = HashMap::new();
        p.insert(("road".into(), "circuity_factor".into()), sourced(1.05));
        assert_eq!(
            RoadCircuity::from_params("m.csv", &p).unwrap(),
            RoadCircuity::single(1.05)
        );
        p.insert(
            ("road".into(), "circuity_factor_mountain".into()),
            sourced(1.3),
        );
        let e = RoadCircuity::from_params("m.csv", &p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("all three or none"), "{e}");
        p.insert(
            ("road".into(), "circuity_climb_flat_m_per_km".into()),
            sourced(20.0),
        );
        p.insert(
            ("road".into(), "circuity_climb_mountain_m_per_km".into()),
            sourced(10.0),
        );
        let e = RoadCircuity::from_params("m.csv", &p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("0 <= flat <= mountain"), "{e}");
        p.insert(
            ("road".into(), "circuity_climb_mountain_m_per_km".into()),
            sourced(40.0),
        );
        p.insert(
            ("road".into(), "circuity_factor_mountain".into()),
            sourced(2.5),
        );
        let e = RoadCircuity::from_params("m.csv", &p)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("circuity_factor_mountain must be in [1, 2]"),
            "{e}"
        );
    }
}
