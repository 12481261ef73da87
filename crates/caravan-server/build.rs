// The web map is embedded from web/dist at compile time: rebuild when its files change
// (cargo scans a directory given to rerun-if-changed for any newer file).
fn main() {
    println!("cargo:rerun-if-changed=../../web/dist");
}
