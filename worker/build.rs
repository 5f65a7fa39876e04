//! Embeds the built widget (widget/dist) into the worker and derives its asset version.
//!
//! The version is a content hash of the glue, the wasm and the loader, so `/w/{version}/…`
//! URLs can be cached forever and a new build is picked up by the next page load.
use sha2::{Digest, Sha256};
use std::{env, fs, path::PathBuf};

const FILES: [&str; 3] = ["widget.js", "handoff_widget.js", "handoff_widget_bg.wasm"];

fn main() {
    let dist = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("../widget/dist");
    let mut hasher = Sha256::new();
    let mut contents = Vec::new();
    for name in FILES {
        let path = dist.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = fs::read(&path).unwrap_or_else(|_| {
            panic!(
                "{} is missing: build the widget first (`npm run build` or `bash scripts/build-widget.sh`)",
                path.display()
            )
        });
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
        contents.push(bytes);
    }
    let digest = hasher.finalize();
    let version: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();

    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let loader = String::from_utf8(contents[0].clone()).expect("loader is UTF-8");
    assert!(
        loader.contains("__HANDOFF_VERSION__"),
        "the loader must reference its assets through __HANDOFF_VERSION__"
    );
    fs::write(
        out.join("widget.js"),
        loader.replace("__HANDOFF_VERSION__", &version),
    )
    .unwrap();
    fs::write(out.join("handoff_widget.js"), &contents[1]).unwrap();
    fs::write(out.join("handoff_widget_bg.wasm"), &contents[2]).unwrap();
    fs::write(out.join("asset_version.txt"), &version).unwrap();
}
