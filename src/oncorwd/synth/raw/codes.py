"""Local and legacy codes a hospital's systems export instead of the standard ones.

- the chemotherapy software's product codes (``CHIMIO-0420``: one or two presentations per
  molecule) and the pharmacy warehouse's UCD-like 7-digit codes, both mapped to ATC by a CSV that
  ships with the example specs (:func:`write_drug_map`; ``examples/*/maps/`` are its output);
- PMSI ICD-10 codes for an ICD-O-3 topography (only codes that
  :func:`~oncorwd.terminology.icd10_to_icdo3_topography` maps back to the same topography);
- pre-2022 ATC codes for administrations before the 2022 L01 restructure;
- and the wrong codes the faults put in (unknown local codes, malformed ICD-10).

Every transform is vectorised: it works on the distinct values of a column, then ``take``\\ s.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.errors import SynthError
from oncorwd.synth.params import load_params
from oncorwd.terminology.atc import previous_codes
from oncorwd.terminology.icd10 import icd10_to_icdo3_topography

__all__ = [
    "TRANSFORMS",
    "UNKNOWN_CODES",
    "DrugProduct",
    "chimio_catalogue",
    "drug_catalogue",
    "invalid_icd10",
    "pmsi_icd10",
    "ucd_catalogue",
    "write_drug_map",
]

_FORMS = {"iv": "solution pour perfusion", "oral": "comprimé", "sc": "solution injectable SC",
          "im": "solution injectable IM"}


@dataclass(frozen=True)
class DrugProduct:
    """A local product: its code, the ATC it maps to, the molecule and a product label."""

    code: str
    atc: str
    inn: str
    label: str


def _molecules() -> list[tuple[str, str, str]]:
    drugs = load_params().regimens.drugs
    return sorted((atc, inn, route) for inn, (atc, route) in drugs.items())


@cache
def chimio_catalogue() -> tuple[DrugProduct, ...]:
    """Products of the chemotherapy software: ``CHIMIO-<10 i>`` for molecule ``i`` (ATC order)
    and, for infused drugs, a second presentation ``CHIMIO-<10 i + 1>`` (another vial size)."""
    out = []
    for i, (atc, inn, route) in enumerate(_molecules(), start=1):
        name = f"{inn.upper()} {_FORMS[route]}"
        out.append(DrugProduct(f"CHIMIO-{10 * i:04d}", atc, inn, name))
        if route == "iv":
            out.append(DrugProduct(f"CHIMIO-{10 * i + 1:04d}", atc, inn, name + " (flacon 2)"))
    return tuple(out)


@cache
def ucd_catalogue() -> tuple[DrugProduct, ...]:
    """Pharmacy warehouse codes: 7 digits starting with 9, one per molecule."""
    return tuple(DrugProduct(f"{9_200_000 + 37 * i:07d}", atc, inn, inn.upper())
                 for i, (atc, inn, _) in enumerate(_molecules(), start=1))


def drug_catalogue(kind: str) -> tuple[DrugProduct, ...]:
    """``chimio`` or ``ucd``."""
    return {"chimio": chimio_catalogue, "ucd": ucd_catalogue}[kind]()


def write_drug_map(path: str | Path, kind: str) -> Path:
    """The value-map CSV of a catalogue (``code_local,atc,libelle``; UTF-8, comma-separated)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code_local", "atc", "libelle"])
        w.writerows([d.code, d.atc, d.label] for d in drug_catalogue(kind))
    return p


def _local_codes(kind: str, atc: pa.Array, rng: np.random.Generator) -> pa.Array:
    """Each ATC code as one of its local products (presentations drawn at random)."""
    products = drug_catalogue(kind)
    by_atc: dict[str, list[str]] = {}
    for d in products:
        by_atc.setdefault(d.atc, []).append(d.code)
    keys = pa.array(list(by_atc))
    first = pa.array([v[0] for v in by_atc.values()])
    second = pa.array([v[-1] for v in by_atc.values()])
    idx = pc.index_in(atc, keys)
    if idx.null_count != atc.null_count:
        raise SynthError(f"{kind}: ATC codes without a local product")
    pick = pa.array(rng.random(len(atc)) < 0.5)
    return pc.if_else(pick, pc.take(second, idx), pc.take(first, idx))


@cache
def _topography_to_icd10() -> dict[str, list[str]]:
    from oncorwd.terminology._files import read_package_csv

    out: dict[str, list[str]] = {}
    for row in read_package_csv("icd10_to_icdo3_topography.csv"):
        out.setdefault(row["icdo3_topography"], []).append(row["icd10"])
    return out


def _pick_icd10(topography: str, morphology: str) -> str | None:
    """The PMSI code a coder would choose: melanoma → C43, myeloma → C90.0, lymphoid
    leukaemia → C91, other leukaemias → C92, otherwise the code of the same subsite."""
    candidates = _topography_to_icd10().get(topography, [])
    prefer = ("C43" if morphology[:3] in {"872", "873", "874", "875", "876", "877", "878", "879"}
              else "C90" if morphology.startswith("973")
              else "C91" if morphology[:3] in {"982", "983"}
              else "C92" if morphology[:2] in {"98", "99"} else topography[:3])
    ranked = sorted(candidates, key=lambda c: (not c.startswith(prefer), c != topography, -len(c)))
    for code in ranked:
        if icd10_to_icdo3_topography(code) == topography:
            return code
    return None


def pmsi_icd10(topography: pa.Array, morphology: pa.Array) -> pa.Array:
    """PMSI ICD-10 codes mapping back to ``topography``; null where none exists (lymph nodes)."""
    pairs = pc.binary_join_element_wise(topography, pc.fill_null(morphology, ""), "|")
    distinct = pc.unique(pairs)
    codes = [None if p is None else _pick_icd10(*p.split("|")) for p in distinct.to_pylist()]
    return pc.take(pa.array(codes, type=pa.string()), pc.index_in(pairs, distinct))


def _pre2022_atc(atc: pa.Array, year: pa.Array, rng: np.random.Generator) -> pa.Array:
    """Pre-2022 administrations keep the retired code (``L01XC18`` for pembrolizumab) in 85 %
    of rows, as prescription software not updated in 2022 did."""
    distinct = pc.unique(atc)
    old = pa.array([(previous_codes(c) or (None,))[0] if c else None
                    for c in distinct.to_pylist()], type=pa.string())
    old_of_row = pc.take(old, pc.index_in(atc, distinct))
    use = pc.and_(pc.less(year, 2022), pa.array(rng.random(len(atc)) < 0.85))
    return pc.if_else(pc.and_(use, pc.is_valid(old_of_row)), old_of_row, atc)


def _tnm_m(flag: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise("M", flag, "")


#: name -> (column values, the source's clean table, rng) -> raw values.
TRANSFORMS: dict[str, Callable[[pa.Array, pa.Table, np.random.Generator], pa.Array]] = {
    "chimio": lambda a, t, rng: _local_codes("chimio", a, rng),
    "ucd": lambda a, t, rng: _local_codes("ucd", a, rng),
    "atc_pre2022": lambda a, t, rng: _pre2022_atc(
        a, t.column("administration_date_year").combine_chunks(), rng),
    "pmsi_icd10": lambda a, t, rng: pmsi_icd10(a, t.column("morphology").combine_chunks()),
    "tnm_m": lambda a, t, rng: _tnm_m(a),
}

#: Codes absent from every catalogue, per transform (the ``unknown_drug_code`` fault).
UNKNOWN_CODES: dict[str, Callable[[int, np.random.Generator], list[str]]] = {
    "chimio": lambda n, rng: [f"CHIMIO-9{k:03d}" for k in rng.integers(0, 1000, n)],
    "ucd": lambda n, rng: [f"1{k:06d}" for k in rng.integers(0, 1_000_000, n)],
    "atc_pre2022": lambda n, rng: list(rng.choice(
        ["L01XX99", "L01ZZ01", "L01FF99", "L01EX99", "L02BX99"], n)),
}


def invalid_icd10(values: pa.Array, rng: np.random.Generator) -> pa.Array:
    """Typos no ICD-10 normalisation repairs: letter dropped (``50.4``), letter O for a digit
    (``C5O.4``), truncated (``C5``)."""
    text = pc.fill_null(values, "C50.9")
    variant = rng.integers(0, 3, len(values))
    dropped = pc.utf8_slice_codeunits(text, 1)
    letter_o = pc.binary_join_element_wise(pc.utf8_slice_codeunits(text, 0, 2), "O",
                                           pc.utf8_slice_codeunits(text, 3), "")
    truncated = pc.utf8_slice_codeunits(text, 0, 2)
    return pc.if_else(pa.array(variant == 0), dropped,
                      pc.if_else(pa.array(variant == 1), letter_o, truncated))
