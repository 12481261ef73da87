//! The compiled network file on disk (`caravan build`): where it lives, opening a router from
//! it (or from the CSV when it is missing, stale or damaged, saying why), and saving it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use caravan_route::{Engine, Router};
use clap::Args;

use crate::{load, Failure};

#[derive(Args)]
pub struct BuildArgs {
    /// Where to write (default: <data>/network/caravan.compiled).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn compiled_path(dir: &Path) -> PathBuf {
    dir.join("network").join("caravan.compiled")
}

/// A router and the checksum of the data it was loaded from.
#[derive(Clone)]
pub struct Opened {
    pub router: Arc<Router>,
    inputs_checksum: u64,
    /// Why the compiled file was not used, when it was not.
    not_used: Option<String>,
}

/// Opens the router of a data directory: from its compiled file when that was built from
/// these very data files (tens of milliseconds), else from the CSV (about a second), logging
/// why the file was not used.
pub fn open_router(dir: &Path, engine: Engine) -> anyhow::Result<Opened> {
    let t = Instant::now();
    let inputs_checksum = caravan_net::inputs_checksum(dir)
        .with_context(|| format!("reading the network data in {}", dir.display()))?;
    let path = compiled_path(dir);
    let why = match map(&path) {
        Ok(Some(bytes)) => match Router::from_compiled(bytes, inputs_checksum) {
            Ok((router, _)) => {
                tracing::info!(
                    elapsed_ms = t.elapsed().as_millis() as u64,
                    file = %path.display(),
                    "compiled network loaded"
                );
                return Ok(Opened {
                    router: Arc::new(
                        crate::scenario::with_policies(dir, router)?.with_engine(engine),
                    ),
                    inputs_checksum,
                    not_used: None,
                });
            }
            Err(e) => e.to_string(),
        },
        Ok(None) => "there is none; `caravan build` makes one".to_owned(),
        Err(e) => format!("cannot read it: {e}"),
    };
    tracing::info!(file = %path.display(), "compiled network not used: {why}; loading the CSV");
    let router = crate::scenario::with_policies(dir, Router::new(load(dir)?))?.with_engine(engine);
    Ok(Opened {
        router: Arc::new(router),
        inputs_checksum,
        not_used: Some(why),
    })
}

/// `open_router`, or, for a scenario that brings projects of its own, a router on the network
/// with them appended (from the CSV: the compiled file does not hold them).
pub fn open_router_for(
    dir: &Path,
    engine: Engine,
    scenario: &caravan_route::Scenario,
) -> anyhow::Result<Opened> {
    if scenario.infrastructure.is_empty() {
        return open_router(dir, engine);
    }
    let net = crate::scenario::network_with(dir, scenario)?;
    let router = crate::scenario::with_policies(dir, Router::new(net))?.with_engine(engine);
    Ok(Opened {
        router: Arc::new(router),
        inputs_checksum: 0,
        not_used: Some("the scenario brings projects of its own".into()),
    })
}

/// The file, memory-mapped: a route reads only the pages of the network part, never the
/// hierarchy's. `None` when there is no file.
fn map(path: &Path) -> std::io::Result<Option<memmap2::Mmap>> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    // SAFETY: Caravan replaces a compiled file only by renaming a new one over it (see
    // `save`), so the mapped inode is never written while mapped. Another program truncating
    // it in place could still fault the process; every part is CRC-checked before use.
    unsafe { memmap2::Mmap::map(&file) }.map(Some)
}

impl Opened {
    /// Gives the router its hierarchy: from the compiled file it was opened from, else built
    /// here (about 10 s) and saved for next time, when the directory is writable.
    pub fn ensure_hierarchy(&self, dir: &Path) {
        let t = Instant::now();
        let path = compiled_path(dir);
        let from_file = self.router.is_compiled();
        if let Some(why) = self.not_used.as_deref().filter(|_| !from_file) {
            eprintln!(
                "note: compiled network {} not used ({why}); building the routing hierarchy (about 10 s)",
                path.display()
            );
        }
        let why = self.router.ensure_hierarchy();
        tracing::info!(
            elapsed_ms = t.elapsed().as_millis() as u64,
            "routing hierarchy ready"
        );
        if let Some(why) = &why {
            eprintln!("note: the compiled file's hierarchy was not used ({why}); rebuilt it");
        }
        // A network with a scenario's own projects is never saved as the data's.
        let custom = self.inputs_checksum == 0;
        if (!from_file || why.is_some()) && !custom {
            match self.save(&path) {
                Ok(_) => eprintln!("note: rebuilt {}", path.display()),
                Err(e) => eprintln!("note: {e:#}; the next run builds the hierarchy again"),
            }
        }
    }

    /// Compiles and saves, written beside and renamed so that a reader never sees half a
    /// file (and a mapped old file stays intact); returns the file's size.
    fn save(&self, path: &Path) -> anyhow::Result<usize> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let bytes = self.router.compile(self.inputs_checksum, now)?;
        let tmp = path.with_extension("compiled.tmp");
        let saved = std::fs::write(&tmp, &bytes).and_then(|_| std::fs::rename(&tmp, path));
        if let Err(e) = saved {
            let _ = std::fs::remove_file(&tmp);
            return Err(e).with_context(|| format!("could not save {}", path.display()));
        }
        Ok(bytes.len())
    }
}

/// `caravan build`: compiles the data directory's network (always from the CSV) and saves it.
pub fn build(dir: &Path, a: BuildArgs) -> Result<(), Failure> {
    let inputs_checksum = caravan_net::inputs_checksum(dir)
        .with_context(|| format!("reading the network data in {}", dir.display()))?;
    let opened = Opened {
        router: Arc::new(Router::new(load(dir)?)),
        inputs_checksum,
        not_used: None,
    };
    let path = a.out.unwrap_or_else(|| compiled_path(dir));
    let t = Instant::now();
    opened.router.ensure_hierarchy();
    let size = opened.save(&path)?;
    let secs = t.elapsed().as_secs_f64();
    let router = &opened.router;
    let (nodes, arcs, edges, height) = router.hierarchy_stats().unwrap_or_default();
    println!(
        "wrote {} ({:.1} MB): {nodes} nodes, {arcs} arcs, {edges} hierarchy edges, elimination tree height {height}, built in {secs:.1} s; data checksum {inputs_checksum:016x}, network fingerprint {:016x}",
        path.display(),
        size as f64 / 1e6,
        router.graph_fingerprint()
    );
    Ok(())
}
