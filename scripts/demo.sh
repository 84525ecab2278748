#!/usr/bin/env bash
# `make demo`: ferroflux's local mode.
#
# The full local mode (kube-sim, a real registry and the three controllers as separate
# processes reconciling the four seed scenarios) is being built issue by issue. Today this
# script does what exists, and says so:
#   1. builds the workspace (the `ferroflux` CLI),
#   2. regenerates the CRDs from the API types and checks them against the committed ones,
#   3. reads the four seed scenarios (config/samples) into the API types and checks that each
#      Flux object round-trips without losing a field,
#   4. shows the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n==> %s\n' "$*"; }

if ! command -v cargo >/dev/null; then
  echo "cargo is required: install Rust (https://rustup.rs) and rerun make demo" >&2
  exit 1
fi

say "building ferroflux"
cargo build --quiet --bin ferroflux

say "CRDs generated from the API types (config/crd/bases)"
cargo xtask crds --check
ls -1 config/crd/bases

say "the seed's four scenarios, read into ferroflux's Flux API types"
cargo xtask samples

say "the ferroflux CLI"
./target/debug/ferroflux --version
./target/debug/ferroflux --help

cat <<'TXT'

What this demo does not do yet: start kube-sim, a local OCI registry and the three
controllers, push the scenarios as OCI artifacts and reconcile them until Ready. Those arrive
with the kube-sim, source-ctl, kustomize-ctl and helm-ctl work (issues #4, #5, #7 and #8);
this script will then run them end to end.
TXT
