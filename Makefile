# Thin aliases; the real work lives in scripts/ and `cargo xtask`.
.PHONY: test deps check demo

## make test: install test dependencies, then fmt check, clippy -D warnings, CRD drift check, all tests
test: deps check

deps:
	bash scripts/install-test-deps.sh

check:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cargo xtask crds --check
	bash scripts/cargo-test-summary.sh --workspace --locked

## make demo: local mode (see README: today it prints what exists)
demo:
	bash scripts/demo.sh
