//! Binary target Trunk builds: mounts the app (see `lib.rs`). Empty on native targets.

#[cfg(target_arch = "wasm32")]
fn main() {
    playlike_web::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
