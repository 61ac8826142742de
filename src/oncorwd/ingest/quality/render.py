"""HTML rendering of the report: one Jinja2 template, inline CSS and JavaScript, plotly.js
embedded once, no request to anything outside the page (hospital networks are closed).

The template only reads the report's ``data`` dict (and the figures built from it), so the
page and ``quality.json`` show the same numbers.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import orjson
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from oncorwd.dictionary import load_dictionary
from oncorwd.ingest.quality.charts import figures
from oncorwd.ingest.quality.kahn import CATEGORIES

__all__ = ["LEVELS", "heat", "num", "pct", "render_html"]

_NBSP = "\u202f"

#: Short names of the expected completeness levels.
LEVELS: dict[str, tuple[str, str]] = {
    "mandatory": ("M", "mandatory in the MDS"),
    "required_in_row": ("R", "optional in the MDS, but a row is meaningless without it"),
    "guide_mandatory": ("G", "optional in the MDS, mandatory in the implementation guide"),
    "optional": ("O", "optional"),
    "computed": ("C", "computed by the pipeline"),
}


def num(value: Any) -> str:
    """``12 345`` (narrow no-break space between thousands), ``—`` for None."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", _NBSP)
    return f"{int(value):,}".replace(",", _NBSP)


def pct(value: float | None) -> str:
    """A percentage with one decimal, two when rounding would hide a difference from 0 or
    100 (``99.96 %`` stays distinct from ``100.0 %``)."""
    if value is None:
        return "—"
    digits = 2 if (99 < value < 100 or 0 < value < 1) else 1
    text = f"{value:.{digits}f}"
    if digits == 2 and text in ("100.00", "0.00"):
        text = f"{value:.3f}"
    return f"{text}{_NBSP}%"


def heat(value: float | None) -> str:
    """Background colour of a completeness cell: red under 50 %, through amber, to green at
    100 % (the scale is steep near the top, where targets are)."""
    if value is None:
        return "#f4f4f4"
    share = min(max((value - 50.0) / 50.0, 0.0), 1.0)
    hue = round(120 * share ** 1.6)
    return f"hsl({hue}, 70%, {88 if value < 100 else 90}%)"


def _script_json(value: Any) -> str:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>`` possible)."""
    return orjson.dumps(value).decode().replace("<", "\\u003c")


@cache
def _asset(name: str) -> str:
    return (resources.files("oncorwd.ingest.quality") / "templates" / name).read_text("utf-8")


@cache
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("oncorwd.ingest.quality", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(num=num, pct=pct, heat=heat)
    return env


def _context(data: dict[str, Any]) -> dict[str, Any]:
    labels = {e.name: e.label_en for e in load_dictionary().entities}
    return {
        "d": data, "levels": LEVELS, "categories": CATEGORIES, "table_labels": labels,
        "css": _asset("quality.css"), "js": _asset("quality.js"), "plotly_js": _plotly_js(),
        "charts_json": _script_json(figures(data["distributions"])),
    }


def render_html(data: dict[str, Any]) -> str:
    """The whole page for a report's ``data``."""
    return _env().get_template("quality.html.j2").render(**_context(data))
