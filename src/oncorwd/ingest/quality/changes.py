"""What changed since the previous data version: row counts, patients, completeness,
distributions and check results.

Row counts come from the version catalog; new and removed patients from the two versions'
``patient_id`` columns (Arrow set operations: the two versions are two views the engine cannot
join); completeness, distributions and checks are the same figures computed on the previous
version. A proportion that moves by more than :data:`SHIFT_POINTS` percentage points, or a
field's completeness by more than :data:`COMPLETENESS_POINTS`, is flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyarrow.compute as pc

from oncorwd.store import Store

__all__ = [
    "COMPLETENESS_POINTS",
    "SHIFT_POINTS",
    "check_deltas",
    "completeness_deltas",
    "distribution_shifts",
    "patient_changes",
    "row_count_deltas",
]

SHIFT_POINTS = 2.0
COMPLETENESS_POINTS = 2.0
EXAMPLES = 5


def row_count_deltas(current: dict[str, int], previous: dict[str, int]) -> list[dict[str, Any]]:
    """Rows per table in both versions, the difference and its percentage."""
    out = []
    for table in current | previous:
        now, before = current.get(table, 0), previous.get(table, 0)
        out.append({"table": table, "previous": before, "current": now, "delta": now - before,
                    "percent": round(100.0 * (now - before) / before, 2) if before else None})
    return out


def patient_changes(store: Store, version: int, previous: int) -> dict[str, Any]:
    """Patients present in one version only (counts and a few identifiers)."""
    now = store.read("patient", version, columns=["patient_id"]).column("patient_id")
    before = store.read("patient", previous, columns=["patient_id"]).column("patient_id")
    new = pc.filter(now, pc.invert(pc.is_in(now, value_set=before.combine_chunks())))
    removed = pc.filter(before, pc.invert(pc.is_in(before, value_set=now.combine_chunks())))
    return {"previous": len(before), "current": len(now), "new": len(new),
            "removed": len(removed), "kept": len(now) - len(new),
            "new_examples": sorted(new.to_pylist())[:EXAMPLES],
            "removed_examples": sorted(removed.to_pylist())[:EXAMPLES]}


def completeness_deltas(current: dict[str, Any], previous: dict[str, Any]
                        ) -> list[dict[str, Any]]:
    """Every field filled in either version: completeness before and now, in points."""
    before = {(t["table"], f["field"]): f["completeness"]
              for t in previous["tables"] for f in t["fields"]}
    out = []
    for t in current["tables"]:
        for f in t["fields"]:
            old, new = before.get((t["table"], f["field"])), f["completeness"]
            if old is None and new is None:
                continue
            delta = None if old is None or new is None else round(new - old, 2)
            out.append({"table": t["table"], "field": f["field"], "level": f["level"],
                        "previous": old, "current": new, "delta": delta,
                        "flag": delta is not None and abs(delta) > COMPLETENESS_POINTS})
    return out


def _proportions(d: dict[str, Any]) -> dict[str, tuple[str, float]]:
    """Category -> (label, percent of the distribution's total) for every cell of a chart."""
    if d["chart"] == "stacked":
        out = {}
        for i, (cat, label) in enumerate(zip(d["categories"], d["labels"], strict=True)):
            total = d["totals"][i]
            for s in d["series"]:
                share = 100.0 * s["counts"][i] / total if total else 0.0
                out[f"{cat}:{s['name']}"] = (f"{label}: {s['label']}", share)
        return out
    total = d["total"]
    return {cat: (label, 100.0 * n / total if total else 0.0)
            for cat, label, n in zip(d["categories"], d["labels"], d["counts"], strict=True)}


def distribution_shifts(current: Iterable[dict[str, Any]], previous: Iterable[dict[str, Any]]
                        ) -> list[dict[str, Any]]:
    """Per distribution, every category's share before and now, the largest move and the
    categories flagged (moved by more than :data:`SHIFT_POINTS` points)."""
    before = {d["key"]: _proportions(d) for d in previous}
    out = []
    for d in current:
        now, old = _proportions(d), before.get(d["key"], {})
        rows: list[dict[str, Any]] = []
        for cat in list(now) + [c for c in old if c not in now]:
            label = (now.get(cat) or old[cat])[0]
            p_now, p_old = now.get(cat, (label, 0.0))[1], old.get(cat, (label, 0.0))[1]
            delta = round(p_now - p_old, 2)
            rows.append({"category": cat, "label": label, "previous": round(p_old, 2),
                         "current": round(p_now, 2), "delta": delta,
                         "flag": abs(delta) > SHIFT_POINTS})
        out.append({"key": d["key"], "title": d["title"],
                    "max_shift": max((abs(r["delta"]) for r in rows), default=0.0),
                    "flagged": sum(r["flag"] for r in rows), "shares": rows})
    return out


def check_deltas(current: Iterable[dict[str, Any]], previous: Iterable[dict[str, Any]]
                 ) -> list[dict[str, Any]]:
    """Checks whose status or failure count changed since the previous version."""
    before = {r["id"]: r for r in previous}
    out = []
    for r in current:
        old = before.get(r["id"])
        if old is None or (old["status"], old["failed"]) != (r["status"], r["failed"]):
            out.append({"id": r["id"], "category": r["category"],
                        "description": r["description"],
                        "previous_status": old["status"] if old else None,
                        "previous_failed": old["failed"] if old else None,
                        "previous_rate": old["rate"] if old else None,
                        "status": r["status"], "failed": r["failed"], "rate": r["rate"],
                        "delta": r["failed"] - (old["failed"] if old else 0)})
    return out
