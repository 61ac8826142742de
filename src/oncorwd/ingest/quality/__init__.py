"""The data-quality report of a site's data version, in HTML and JSON.

::

    from oncorwd.ingest.quality import build_report, write_report

    report = build_report("duckdb:///data/sites/site_a.duckdb", run_dir=run_dir)
    html_path, json_path = write_report(report, run_dir)

Sections: the version (site, FINESS, load date, fingerprint, rows per table); the ingest
accounting (every input row loaded or quarantined) and a summary of the quarantine; the
completeness of every field against its MDS status and the precision of partial dates; the
checks, organised by the Kahn framework (conformance, completeness, plausibility — see
:mod:`oncorwd.ingest.quality.kahn`) with thresholds; the distributions of key variables as
Plotly charts (plotly.js embedded once: the page works offline); and what changed since the
previous version. ``quality.json`` holds every figure of the page.

The report is for the site's own data engineers: it shows record identifiers and quarantined
values, and never leaves the site.
"""

from oncorwd.ingest.quality.report import (
    FORMAT,
    HTML_NAME,
    JSON_NAME,
    QualityReport,
    build_report,
    write_report,
)

__all__ = ["FORMAT", "HTML_NAME", "JSON_NAME", "QualityReport", "build_report", "write_report"]
