//! Data-parallel map for the builder's heavy steps. With the `parallel` feature (the native
//! builder turns it on) it runs on rayon's thread pool; without it (the web app) it is a
//! plain loop, so wasm32 needs no threads.

/// Maps every item, keeping order.
#[cfg(feature = "parallel")]
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

/// Maps every item, keeping order.
#[cfg(not(feature = "parallel"))]
pub fn map<T, R>(items: &[T], f: impl Fn(&T) -> R) -> Vec<R> {
    items.iter().map(f).collect()
}
