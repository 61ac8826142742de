#!/usr/bin/env bash
# The demo: three synthetic cancer centres export their data in three different shapes (a
# latin-1 CSV dump, an Excel workbook, a PostgreSQL warehouse); each is ingested through its
# mapping spec into its own DuckDB site store, with quarantine, accounting and a data-quality
# report.
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
