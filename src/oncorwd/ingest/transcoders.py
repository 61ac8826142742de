"""The built-in transcoders of :data:`oncorwd.ingest.spec.TRANSCODERS`, over whole columns.

Each is a function of one code, run once per distinct value (exports repeat the same codes):
it returns the new code, :data:`NO_VALUE` for an explicit "unknown" (``Mx`` → no M flag), or
raises / returns ``None`` when the code cannot be transcoded, which the ``code`` step
quarantines under rule ``transcode`` with the reason.

``adicap_to_icdo3`` needs a correspondence table oncorwd cannot ship (the ADICAP thesaurus is
not redistributable and no longer maintained): give a CSV with columns ``adicap`` and
``icdo3_morphology`` in ``ONCORWD_ADICAP_TABLE``, or as ``adicap_to_icdo3.csv`` in
``ONCORWD_TERMINOLOGY_DIR``. Codes are compared upper-cased without spaces.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.dictionary.model import FieldDef
from oncorwd.errors import ConfigError, OncorwdError

__all__ = ["ADICAP_TABLE_ENV", "NO_VALUE", "transcode", "transcoder"]

ADICAP_TABLE_ENV = "ONCORWD_ADICAP_TABLE"
#: Returned by a transcoder for a value that means "unknown" (loaded as null, not an error).
NO_VALUE = "\x00"

Transcoder = Callable[[str], str | None]


def _atc_current() -> Transcoder:
    from oncorwd.terminology import atc_current

    return atc_current


def _icd10_topography() -> Transcoder:
    from oncorwd.terminology import icd10_to_icdo3_topography

    return icd10_to_icdo3_topography


def _recode_behaviour() -> Transcoder:
    from oncorwd.terminology import recode_behaviour

    return recode_behaviour


def _karnofsky() -> Transcoder:
    from oncorwd.terminology import karnofsky_to_ecog

    return lambda v: str(karnofsky_to_ecog(v.replace(",0", "").removesuffix(".0")))


def _stage() -> Transcoder:
    from oncorwd.terminology import stage_group_to_osiris

    return stage_group_to_osiris


def _m_flag() -> Transcoder:
    from oncorwd.terminology import m_to_flag

    def flag(value: str) -> str | None:
        result = m_to_flag(value)
        return NO_VALUE if result is None else str(result)

    return flag


@cache
def _adicap_table() -> dict[str, str]:
    from oncorwd.ingest.sources.csv import read_csv_table
    from oncorwd.terminology import TERMINOLOGY_DIR_ENV

    path = os.environ.get(ADICAP_TABLE_ENV)
    if not path and os.environ.get(TERMINOLOGY_DIR_ENV):
        candidate = Path(os.environ[TERMINOLOGY_DIR_ENV]) / "adicap_to_icdo3.csv"
        path = str(candidate) if candidate.is_file() else None
    if not path:
        raise ConfigError(
            "transcode adicap_to_icdo3: no ADICAP → ICD-O-3 transcoding table ships with "
            "oncorwd", hint=f"set {ADICAP_TABLE_ENV} to a CSV with columns adicap,"
            "icdo3_morphology (or map the codes with a value map)")
    table = read_csv_table(Path(path))
    missing = {"adicap", "icdo3_morphology"} - set(table.column_names)
    if missing:
        raise ConfigError(f"{path}: the ADICAP table needs columns adicap and icdo3_morphology",
                          hint=f"missing: {', '.join(sorted(missing))}")
    keys = table.column("adicap").to_pylist()
    values = table.column("icdo3_morphology").to_pylist()
    return {"".join(str(k).split()).upper(): v for k, v in zip(keys, values, strict=True) if k}


def _adicap() -> Transcoder:
    table = _adicap_table()
    return lambda v: table.get("".join(v.split()).upper())


_FACTORIES: dict[str, Callable[[], Transcoder]] = {
    "atc_current": _atc_current,
    "icd10_to_icdo3_topography": _icd10_topography,
    "adicap_to_icdo3": _adicap,
    "icdo3_recode_behaviour": _recode_behaviour,
    "karnofsky_to_ecog": _karnofsky,
    "stage_to_osiris": _stage,
    "tnm_m_flag": _m_flag,
}


def transcoder(name: str, fdef: FieldDef) -> Transcoder:
    """The function behind a transcoder name, for field ``fdef``."""
    if name == "normalize_code":
        if not fdef.code_system:
            raise ConfigError(f"transcode normalize_code: field {fdef.name} is not a code",
                              hint="use it on fields with a code system (topography, atc_code…)")
        from oncorwd.terminology import get_code_system

        return get_code_system(fdef.code_system).normalize
    if name not in _FACTORIES:
        raise ConfigError(f"unknown transcoder {name!r}")
    return _FACTORIES[name]()


def _safe(function: Transcoder, value: str) -> tuple[str | None, str | None]:
    """(result, reason it failed)."""
    try:
        result = function(value)
    except OncorwdError as e:
        return None, e.message
    except (ValueError, KeyError, TypeError) as e:
        return None, str(e)
    return (result, None) if result is not None else (None, "no correspondence")


def transcode(name: str, values: pa.Array, fdef: FieldDef) -> tuple[pa.Array, np.ndarray,
                                                                      pa.Array]:
    """``(new values, failed mask, reason per row)``; nulls stay null and never fail."""
    function = transcoder(name, fdef)
    distinct = pc.unique(pc.drop_null(values)).to_pylist()
    results = [_safe(function, v) for v in distinct]
    index = pc.index_in(values, value_set=pa.array(distinct, pa.string()))
    out = pc.take(pa.array([None if r == NO_VALUE else r for r, _ in results], pa.string()),
                  index)
    reasons = pc.take(pa.array([f"{name}: {why}" if why else None for _, why in results],
                               pa.string()), index)
    failed = np.asarray(pc.fill_null(pc.is_valid(reasons), False)
                        .to_numpy(zero_copy_only=False), dtype=bool)
    return out, failed, reasons
