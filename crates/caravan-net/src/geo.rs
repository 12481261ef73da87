//! Spherical geometry helpers.

/// Mean Earth radius (IUGG), km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance in km.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.min(1.0).sqrt().asin()
}

/// Unit-sphere Cartesian coordinates: straight-line (chord) distance between them grows
/// monotonically with great-circle distance, so an ordinary R-tree finds true nearest points.
pub fn to_unit_xyz(lat: f64, lon: f64) -> [f64; 3] {
    let (la, lo) = (lat.to_radians(), lon.to_radians());
    [la.cos() * lo.cos(), la.cos() * lo.sin(), la.sin()]
}

/// Converts a squared chord distance on the unit sphere back to great-circle km.
pub fn chord2_to_km(d2: f64) -> f64 {
    let chord = d2.max(0.0).sqrt().min(2.0);
    2.0 * (chord / 2.0).asin() * EARTH_RADIUS_KM
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_known_distance() {
        // Tashkent to Almaty: about 680 km great-circle (checked against an online calculator).
        let d = haversine_km(41.3111, 69.2797, 43.2389, 76.8897);
        assert!((d - 668.0).abs() < 15.0, "{d}");
    }

    #[test]
    fn chord_roundtrip() {
        let a = to_unit_xyz(41.3, 69.3);
        let b = to_unit_xyz(43.2, 76.9);
        let d2: f64 = a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum();
        let km = chord2_to_km(d2);
        assert!((km - haversine_km(41.3, 69.3, 43.2, 76.9)).abs() < 1e-6);
    }
}
