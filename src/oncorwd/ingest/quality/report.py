"""Build the data-quality report of one data version, and write it as HTML and JSON.

:func:`build_report` opens the store, computes every section on the version asked for (and,
for the comparison, on the previous committed version) and returns a :class:`QualityReport`
whose ``data`` is a JSON-ready dict holding every figure; the HTML is rendered from that dict
only, so the two never disagree. Nothing here loops over rows: each section is a handful of
SQL aggregates run through ``store.query``.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from oncorwd import __version__
from oncorwd.dictionary import load_dictionary
from oncorwd.ingest.quality import changes as ch
from oncorwd.ingest.quality.accounting import accounting
from oncorwd.ingest.quality.codes import code_results
from oncorwd.ingest.quality.completeness import (
    completeness,
    completeness_checks,
    field_results,
)
from oncorwd.ingest.quality.conformance import conformance_checks
from oncorwd.ingest.quality.distributions import distributions
from oncorwd.ingest.quality.kahn import CATEGORIES, run_checks, summarise, summarise_rules
from oncorwd.ingest.quality.plausibility import plausibility_checks
from oncorwd.ingest.quality.sql import Runner
from oncorwd.store import Store, VersionInfo, open_store

__all__ = ["FORMAT", "HTML_NAME", "JSON_NAME", "QualityReport", "build_report", "write_report"]

FORMAT = "oncorwd.quality/1"
HTML_NAME = "quality.html"
JSON_NAME = "quality.json"


@dataclass(slots=True)
class QualityReport:
    """The report of one site's data version: ``data`` holds every figure (JSON-ready)."""

    data: dict[str, Any]

    def to_json(self) -> str:
        """The report as indented JSON (``quality.json``)."""
        return orjson.dumps(self.data, option=orjson.OPT_INDENT_2).decode()

    def to_html(self) -> str:
        """The report as one self-contained HTML page (plotly.js inline, works offline)."""
        from oncorwd.ingest.quality.render import render_html

        return render_html(self.data)


def _cutoff(runner: Runner, info: VersionInfo, cutoff: dt.date | None) -> tuple[dt.date, str]:
    """The data cut-off: given, else the latest vital-status update (4.3), else load date."""
    if cutoff is not None:
        return cutoff, "given"
    if runner.has_rows("vital_status"):
        found = runner.one("SELECT MAX(update_date) AS d FROM vital_status").get("d")
        if isinstance(found, dt.date):
            return found, "latest vital-status update date (item 4.3)"
    return info.created_at.date(), "load date of the version"


def _order(result: dict[str, Any]) -> int:
    return list(CATEGORIES).index((result["category"], result["subcategory"]))


def _sections(runner: Runner, info: VersionInfo, cutoff: dt.date, *,
              examples: bool = True) -> dict[str, Any]:
    """Completeness, check results and distributions of one version."""
    stats = completeness(runner)
    sql_checks = (conformance_checks(info.created_at.date()) + completeness_checks()
                  + plausibility_checks(cutoff))
    results = (code_results(runner) + run_checks(runner, sql_checks, examples=examples)
               + field_results(stats))
    results.sort(key=_order)
    return {"completeness": stats, "results": results, "distributions": distributions(runner)}


def _header(store: Store, info: VersionInfo, site: str | None, cutoff: tuple[dt.date, str]
            ) -> dict[str, Any]:
    from oncorwd.terminology import get_code_system

    labels = {e.name: e.label_en for e in load_dictionary().entities}
    return {
        "site": site or info.site_id, "finess": info.site_id,
        "finess_label": get_code_system("finess").label(info.site_id),
        "version": info.version, "versions": [v.version for v in store.versions()],
        "loaded_at": info.created_at.isoformat(), "fingerprint": info.fingerprint,
        "note": info.note, "schema_version": info.schema_version, "engine": store.engine,
        "store": store.url.display, "cutoff": cutoff[0].isoformat(), "cutoff_source": cutoff[1],
        "row_counts": [{"table": t, "label": labels.get(t, t), "rows": n}
                       for t, n in info.row_counts.items()],
        "total_rows": sum(info.row_counts.values()),
    }


def _previous(store: Store, version: int) -> VersionInfo | None:
    earlier = [v for v in store.versions() if v.version < version]
    return earlier[-1] if earlier else None


def _changes(store: Store, info: VersionInfo, prev: VersionInfo | None,
             current: dict[str, Any], cutoff: dt.date) -> dict[str, Any]:
    if prev is None:
        return {"previous_version": None}
    old = _sections(Runner(store, prev.version), prev, cutoff, examples=False)
    shifts = ch.distribution_shifts(current["distributions"], old["distributions"])
    return {
        "previous_version": prev.version, "previous_loaded_at": prev.created_at.isoformat(),
        "previous_fingerprint": prev.fingerprint,
        "shift_points": ch.SHIFT_POINTS, "completeness_points": ch.COMPLETENESS_POINTS,
        "row_counts": ch.row_count_deltas(info.row_counts, prev.row_counts),
        "patients": ch.patient_changes(store, info.version, prev.version),
        "completeness": ch.completeness_deltas(current["completeness"], old["completeness"]),
        "distributions": shifts,
        "checks": ch.check_deltas(current["results"], old["results"]),
    }


def _summary(header: dict[str, Any], sections: dict[str, Any], acc: dict[str, Any],
             changes: dict[str, Any]) -> dict[str, Any]:
    results = sections["results"]
    counts = {s: sum(1 for r in results if r["status"] == s) for s in ("pass", "fail", "n/a")}
    rows = {r["table"]: r["rows"] for r in header["row_counts"]}
    quarantine = acc.get("quarantine")
    return {
        "patients": rows.get("patient", 0), "cancers": rows.get("cancer", 0),
        "total_rows": header["total_rows"], "checks": {"run": len(results), **counts},
        "failing_checks": [r["id"] for r in results if r["status"] == "fail"],
        "required_below_100": len(sections["completeness"]["required_below_100"]),
        "accounting_balanced": acc.get("balanced"),
        "quarantined": quarantine["problems"] if quarantine else None,
        "flagged_shifts": (sum(d["flagged"] for d in changes["distributions"])
                           if changes.get("previous_version") else None),
    }


def build_report(store_url: str, *, version: int | None = None, run_dir: Path | None = None,
                 site: str | None = None, cutoff: dt.date | None = None) -> QualityReport:
    """The quality report of ``version`` (latest by default) of the store at ``store_url``.

    ``run_dir`` is the ingest run's directory holding ``accounting.json`` and
    ``quarantine.parquet`` (None: the store was loaded directly); ``site`` the site's name for
    the title (default: its FINESS); ``cutoff`` the data cut-off date for the "after cut-off"
    checks (default: the latest vital-status update date). Raises the store's errors
    (``VersionNotFoundError``…) unchanged.
    """
    started = time.perf_counter()
    with open_store(store_url) as store:
        info = store.version_info(version)
        runner = Runner(store, info.version)
        cut = _cutoff(runner, info, cutoff)
        header = _header(store, info, site, cut)
        sections = _sections(runner, info, cut[0])
        acc = accounting(run_dir, info.row_counts, info.version)
        changes = _changes(store, info, _previous(store, info.version), sections, cut[0])
    data: dict[str, Any] = {
        "format": FORMAT, "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "oncorwd_version": __version__, "header": header,
        "summary": _summary(header, sections, acc, changes), "accounting": acc,
        "completeness": sections["completeness"],
        "checks": {"categories": summarise(sections["results"]),
                   "rules": summarise_rules(sections["results"]),
                   "results": sections["results"]},
        "distributions": sections["distributions"], "changes": changes,
    }
    data["build_seconds"] = round(time.perf_counter() - started, 3)
    return QualityReport(data)


def write_report(report: QualityReport, out_dir: Path) -> tuple[Path, Path]:
    """Write ``quality.html`` and ``quality.json`` into ``out_dir`` (created if needed)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html, js = out_dir / HTML_NAME, out_dir / JSON_NAME
    html.write_text(report.to_html(), encoding="utf-8")
    js.write_text(report.to_json(), encoding="utf-8")
    return html, js
