#!/usr/bin/env bash
# Fetch the FHIR packages oncorwd validates against, once, into .cache/fhir/ (not committed).
# mCODE STU4 (hl7.fhir.us.mcode@4.0.0, CC0) comes from the npm registry with `npm pack`.
# Idempotent: a package already unpacked is left alone. Needs node/npm (installed by
# scripts/ensure-services.sh when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${ONCORWD_FHIR_CACHE:-.cache/fhir}"
PACKAGES=("hl7.fhir.us.mcode@4.0.0")
mkdir -p "$CACHE"
for spec in "${PACKAGES[@]}"; do
    name="${spec%@*}"; version="${spec#*@}"
    dest="$CACHE/$name-$version"
    if [[ -f "$dest/package/package.json" ]]; then
        continue
    fi
    tmp="$(mktemp -d)"
    echo "fetching FHIR package $spec (npm pack) ..."
    (cd "$tmp" && npm pack --silent "$spec" >/dev/null)
    mkdir -p "$dest.partial"
    tar -xzf "$tmp"/*.tgz -C "$dest.partial"
    rm -rf "$dest" && mv "$dest.partial" "$dest"
    rm -rf "$tmp"
done
