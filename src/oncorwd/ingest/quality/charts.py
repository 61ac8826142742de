"""Plotly figures (plain ``data``/``layout`` dicts) for the report's distributions.

Figures are built from the distribution dicts of :mod:`oncorwd.ingest.quality.distributions`
only, so the HTML shows exactly the numbers ``quality.json`` holds. They are plain dicts (not
``plotly.graph_objects``): plotly.js draws them in the page, and building them costs nothing.
"""

from __future__ import annotations

from typing import Any

__all__ = ["COLOURS", "figure", "figures"]

#: Bar colour, and one colour per biomarker status.
COLOURS: dict[str, str] = {
    "bar": "#3b6ea8", "POSITIVE": "#c8553d", "NEGATIVE": "#3b6ea8",
    "NON_CONTRIBUTIVE": "#a0a0a0", "MISSING": "#d6d6d6", "": "#ececec",
}
_FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12,
         "color": "#222"}
_BAR_PX = 24


def _layout(height: int, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "height": height, "margin": {"l": 10, "r": 20, "t": 10, "b": 40},
        "font": _FONT, "paper_bgcolor": "#fff", "plot_bgcolor": "#fff",
        "xaxis": {"automargin": True, "gridcolor": "#eee", "zeroline": False},
        "yaxis": {"automargin": True, "gridcolor": "#eee", "zeroline": False},
        "bargap": 0.15, "showlegend": False,
    }
    layout.update(extra)
    return layout


def _hover(unit: str) -> str:
    return f"%{{customdata}}<br>%{{value:,}} {unit}<extra></extra>"


def _bar(d: dict[str, Any]) -> dict[str, Any]:
    trace = {"type": "bar", "x": d["labels"], "y": d["counts"], "customdata": d["labels"],
             "marker": {"color": COLOURS["bar"]}, "hovertemplate": _hover(d["unit"])}
    layout = _layout(300)
    layout["xaxis"] = {**layout["xaxis"], "type": "category"}
    layout["yaxis"] = {**layout["yaxis"], "title": {"text": d["unit"]}}
    return {"data": [trace], "layout": layout}


def _hbar(d: dict[str, Any]) -> dict[str, Any]:
    labels, counts = list(reversed(d["labels"])), list(reversed(d["counts"]))
    trace = {"type": "bar", "orientation": "h", "y": labels, "x": counts,
             "customdata": labels, "marker": {"color": COLOURS["bar"]},
             "hovertemplate": _hover(d["unit"])}
    layout = _layout(max(200, 60 + _BAR_PX * len(labels)))
    layout["xaxis"] = {**layout["xaxis"], "title": {"text": d["unit"]}}
    layout["yaxis"] = {**layout["yaxis"], "type": "category"}
    return {"data": [trace], "layout": layout}


def _stacked(d: dict[str, Any]) -> dict[str, Any]:
    labels = list(reversed(d["labels"]))
    data = [{"type": "bar", "orientation": "h", "name": s["label"], "y": labels,
             "x": list(reversed(s["counts"])), "customdata": labels,
             "marker": {"color": COLOURS.get(s["name"], COLOURS[""])},
             "hovertemplate": f"%{{customdata}}<br>{s['label']}: %{{value:,}} "
                              f"{d['unit']}<extra></extra>"}
            for s in d["series"]]
    layout = _layout(max(240, 110 + _BAR_PX * len(labels)), barmode="stack", showlegend=True,
                     legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom",
                             "traceorder": "normal", "entrywidth": 0.5,
                             "entrywidthmode": "fraction"})
    layout["yaxis"] = {**layout["yaxis"], "type": "category"}
    return {"data": data, "layout": layout}


def figure(d: dict[str, Any]) -> dict[str, Any]:
    """The figure of one distribution (``bar``, ``hbar`` or ``stacked``)."""
    build = {"bar": _bar, "hbar": _hbar, "stacked": _stacked}[d["chart"]]
    return build(d)


def figures(distributions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Figures by distribution key, for distributions that have something to show."""
    return {d["key"]: figure(d) for d in distributions if d["total"]}
