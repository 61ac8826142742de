#!/usr/bin/env bash
# The demo: three synthetic cancer centres export their data in three different shapes (a
# latin-1 CSV dump, an Excel workbook, a PostgreSQL warehouse); each is ingested through its
# mapping spec into its own DuckDB site store, with quarantine, accounting and a data-quality
# report; then both exports (OMOP CDM 5.4 in DuckDB, mCODE NDJSON), an mCODE validation and a
# few cohorts from examples/cohorts/.
set -euo pipefail
RUN="${RUN:-.tools/bin/uv run --frozen --all-extras}"
HOME_DIR="${ONCORWD_HOME:-.oncorwd/demo}"
PATIENTS="${PATIENTS:-5000}"
export ONCORWD_HOME="$HOME_DIR"
export ONCORWD_DWH_URL="${ONCORWD_DWH_URL:-postgresql://postgres@127.0.0.1:5432/test}"

$RUN oncorwd synth --raw --patients "$PATIENTS" --seed 42 --out "$HOME_DIR/raw"
for shape in csv_dump excel_workbook postgres_warehouse; do
  echo
  echo "== ingest: $shape"
  $RUN oncorwd ingest run --mapping "$HOME_DIR/raw/$shape/mapping.yaml"
done
for site in clcc-paris-01 chu-lyon-02 chu-marseille-03; do
  echo
  echo "== data-quality report: $site"
  $RUN oncorwd quality report --site "$site"
done
# Exports are written afresh on each run (an OMOP export refuses to overwrite a database).
rm -rf "$HOME_DIR/omop" "$HOME_DIR/mcode" "$HOME_DIR/mcode-bundles"
mkdir -p "$HOME_DIR/omop"
for site in clcc-paris-01 chu-lyon-02 chu-marseille-03; do
  echo
  echo "== OMOP CDM 5.4 export (DuckDB, official DDL with constraints on): $site"
  $RUN oncorwd export omop --site "$site" --to "$HOME_DIR/omop/$site.duckdb"
  echo
  echo "== FHIR mCODE STU4 export (Bulk Data NDJSON): $site"
  $RUN oncorwd export mcode --site "$site" --format ndjson --to "$HOME_DIR/mcode/$site"
done
echo
echo "== mCODE validation (parse, profiles, invariants) of 200 patient bundles of chu-lyon-02"
BUNDLES="$HOME_DIR/mcode-bundles/chu-lyon-02"
$RUN oncorwd export mcode --site chu-lyon-02 --format bundles --to "$BUNDLES"
mapfile -t SAMPLE < <(find "$BUNDLES" -name '*.json' ! -name 'mcode-report.json' | sort | head -200)
$RUN oncorwd validate mcode "${SAMPLE[@]}" --max-issues 10
for definition in egfr_nsclc_osimertinib her2_early_breast_neoadjuvant msi_high_colorectal; do
  echo
  echo "== cohort $definition at clcc-paris-01"
  $RUN oncorwd cohort run "examples/cohorts/$definition.yaml" --site clcc-paris-01
done
