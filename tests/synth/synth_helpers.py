"""Helpers of the synth tests: column access, date bounds and a small numpy Cox model."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from oncorwd.synth import SyntheticSite

__all__ = ["column", "cox", "earliest_day", "latest_day", "to_days"]


def column(site: SyntheticSite, table: str, name: str) -> np.ndarray:
    return site.tables[table].column(name).to_numpy(zero_copy_only=False)


def _parts(t: pa.Table, field: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    y = t.column(f"{field}_year").to_numpy(zero_copy_only=False)
    m = t.column(f"{field}_month").to_numpy(zero_copy_only=False)
    d = t.column(f"{field}_day").to_numpy(zero_copy_only=False)
    present = ~np.isnan(np.asarray(y, dtype=float))
    return np.nan_to_num(np.asarray(y, dtype=float)).astype(int), m, d, present


def to_days(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    months = ((y - 1970) * 12 + (m - 1)).astype("datetime64[M]")
    return (months.astype("datetime64[D]") + (d - 1)).astype(np.int64)


def earliest_day(t: pa.Table, field: str) -> tuple[np.ndarray, np.ndarray]:
    """Earliest possible day of a partial date (unknown parts at their minimum), and presence."""
    y, m, d, present = _parts(t, field)
    mm = np.array([1 if (v is None or v == "UN") else int(v) for v in m])
    dd = np.array([1 if (v is None or v == "UN" or mu in (None, "UN")) else int(v)
                   for v, mu in zip(d, m, strict=True)])
    return to_days(np.where(present, y, 1970), mm, dd), present


def latest_day(t: pa.Table, field: str) -> tuple[np.ndarray, np.ndarray]:
    """Latest possible day of a partial date (unknown parts at their maximum), and presence."""
    y, m, d, present = _parts(t, field)
    y = np.where(present, y, 1970)
    month_unknown = np.array([v is None or v == "UN" for v in m])
    mm = np.where(month_unknown, 12, [0 if mu else int(v) for v, mu in zip(m, month_unknown,
                                                                           strict=True)])
    next_month = to_days(np.where(mm == 12, y + 1, y), np.where(mm == 12, 1, mm + 1),
                         np.ones(len(y), int))
    day_unknown = np.array([v is None or v == "UN" for v in d]) | month_unknown
    dd = np.array([1 if du else int(v) for v, du in zip(d, day_unknown, strict=True)])
    return np.where(day_unknown, next_month - 1, to_days(y, mm, dd)), present


def cox(time: np.ndarray, event: np.ndarray, x: np.ndarray,
        iterations: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Cox proportional-hazards fit (Breslow, Newton-Raphson): coefficients and std errors."""
    order = np.argsort(-time, kind="stable")
    d, x = event[order].astype(float), x[order].astype(float)
    beta = np.zeros(x.shape[1])
    hess = np.eye(x.shape[1])
    for _ in range(iterations):
        w = np.exp(x @ beta)
        s0 = np.cumsum(w)
        s1 = np.cumsum(w[:, None] * x, axis=0)
        s2 = np.cumsum(w[:, None, None] * x[:, :, None] * x[:, None, :], axis=0)
        mean = s1 / s0[:, None]
        grad = (d[:, None] * (x - mean)).sum(axis=0)
        hess = (d[:, None, None] * (s2 / s0[:, None, None]
                                    - mean[:, :, None] * mean[:, None, :])).sum(axis=0)
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if np.abs(step).max() < 1e-10:
            break
    return beta, np.sqrt(np.diag(np.linalg.inv(hess)))
