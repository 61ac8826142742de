"""TNM categories (UICC), their parsing from report text, and stage groups in the OSIRIS form.

OSIRIS RWD stores the T and N categories as closed lists (items 8.14, 8.15), the TNM type (c, p, y;
item 8.17) separately, M as a 1/0 flag (item 8.16) and the stage as 0, I, II, III, IV or UK
(item 8.19). Reports and staging forms write all of that in one string (``cT1cN0M0``,
``ypT0 ypN0``, ``pT1a(m) pN0(sn)``); :func:`parse_tnm` splits it and this module's helpers turn each
part into the OSIRIS value. ``normalize`` of the T/N/M systems returns the bare category: the prefix
and qualifiers such as ``(sn)`` are reported by :func:`split_tnm` and :func:`parse_tnm`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oncorwd.errors import TerminologyError
from oncorwd.terminology._base import CodeSystem, Concept, squash

__all__ = [
    "OSIRIS_STAGE_GROUPS",
    "TnmM",
    "TnmN",
    "TnmT",
    "TnmValue",
    "m_to_flag",
    "parse_tnm",
    "split_tnm",
    "stage_group_to_osiris",
]

T_CATEGORIES = (
    "Tx",
    "T0",
    "Ta",
    "Tis",
    "Tis(DCIS)",
    "Tis(LCIS)",
    "Tis(Paget)",
    "T1",
    "T1mi",
    "T1a",
    "T1a1",
    "T1a2",
    "T1b",
    "T1b1",
    "T1b2",
    "T1c",
    "T1c1",
    "T1c2",
    "T1c3",
    "T1d",
    "T2",
    "T2a",
    "T2a1",
    "T2a2",
    "T2b",
    "T2c",
    "T2d",
    "T3",
    "T3a",
    "T3b",
    "T3c",
    "T3d",
    "T3e",
    "T4",
    "T4a",
    "T4b",
    "T4c",
    "T4d",
    "T4e",
)
N_CATEGORIES = (
    "Nx",
    "N0",
    "N1",
    "N1mi",
    "N1a",
    "N1b",
    "N1c",
    "N2",
    "N2a",
    "N2b",
    "N2c",
    "N3",
    "N3a",
    "N3b",
    "N3c",
)
M_CATEGORIES = ("Mx", "M0", "M1", "M1a", "M1b", "M1c", "M1d")
_FIXED_LABELS = {
    "Tx": ("Primary tumour cannot be assessed", "Tumeur primitive non évaluable"),
    "T0": ("No evidence of primary tumour", "Pas de tumeur primitive décelable"),
    "Ta": ("Non-invasive papillary carcinoma", "Carcinome papillaire non invasif"),
    "Tis": ("Carcinoma in situ", "Carcinome in situ"),
    "Nx": ("Regional lymph nodes cannot be assessed", "Ganglions régionaux non évaluables"),
    "N0": ("No regional lymph node metastasis", "Pas de métastase ganglionnaire régionale"),
    "Mx": ("Distant metastasis cannot be assessed", "Métastases à distance non évaluables"),
    "M0": ("No distant metastasis", "Pas de métastase à distance"),
    "M1": ("Distant metastasis", "Métastases à distance"),
}

#: OSIRIS RWD item 8.19 (PrimaryCancerStageValue).
OSIRIS_STAGE_GROUPS = ("0", "I", "II", "III", "IV", "UK")

_PREFIX = "[cpyrau]{0,3}"
_VALUE = r"is(?:\((?:dcis|lcis|paget)\))?|x|[0-4](?:mi|[a-e][1-3]?)?|a"
_SUFFIX = r"\((?:m|\d+|sn|i[+-]|mol[+-]|f)\)"
_COMPONENT = re.compile(
    rf"(?P<prefix>{_PREFIX})(?P<axis>[TNM])(?P<value>{_VALUE})(?P<suffix>{_SUFFIX})?", re.IGNORECASE
)
_TOKEN_SPLIT = re.compile(r"[\s,;/]+")


@dataclass(frozen=True, slots=True)
class TnmValue:
    """One parsed component: ``pN0(sn)`` → prefix ``p``, category ``N0``, suffix ``sn``."""

    prefix: str
    category: str
    suffix: str


def _canonical(axis: str, value: str) -> str:
    axis, value = axis.upper(), value.lower()
    if value.startswith("is("):
        inner = value[3:-1]
        return f"Tis({'Paget' if inner == 'paget' else inner.upper()})"
    return f"{axis}{value}"


def split_tnm(text: str) -> TnmValue | None:
    """Split one component (``pT2``, ``ypN1mi``, ``cM0``) or return ``None`` if it is not one."""
    match = _COMPONENT.fullmatch(squash(text))
    if match is None:
        return None
    suffix = (match.group("suffix") or "")[1:-1].lower()
    return TnmValue(
        match.group("prefix").lower(), _canonical(match["axis"], match["value"]), suffix
    )


class _TnmAxis(CodeSystem):
    """Shared behaviour of the T, N and M value lists (declared here, not shipped as CSV)."""

    categories: tuple[str, ...] = ()

    def _builtin_concepts(self) -> list[Concept]:
        return [Concept(code, *_labels(code)) for code in self.categories]

    def normalize(self, code: str) -> str:
        value = split_tnm(code)
        return squash(code) if value is None else value.category

    def parent(self, code: str) -> str | None:
        match = re.fullmatch(r"([TNM]\d)(mi|[a-e])(\d)?", code)
        if match is None:
            return None
        return match.group(1) + match.group(2) if match.group(3) else match.group(1)


def _labels(code: str) -> tuple[str, str]:
    if code in _FIXED_LABELS:
        return _FIXED_LABELS[code]
    axis = {"T": "Primary tumour", "N": "Regional lymph nodes", "M": "Distant metastasis"}[code[0]]
    axis_fr = {"T": "Tumeur primitive", "N": "Ganglions régionaux", "M": "Métastases à distance"}[
        code[0]
    ]
    return f"{axis} {code}", f"{axis_fr} {code}"


class TnmT(_TnmAxis):
    """T categories (OSIRIS item 8.14)."""

    name = "tnm_t"
    title = "TNM T category (UICC)"
    pattern = re.compile(r"T(?:x|0|a|is(?:\((?:DCIS|LCIS|Paget)\))?|[1-4](?:mi|[a-e]\d?)?)")
    example = "T2a"
    categories = T_CATEGORIES


class TnmN(_TnmAxis):
    """N categories (OSIRIS item 8.15)."""

    name = "tnm_n"
    title = "TNM N category (UICC)"
    pattern = re.compile(r"N(?:x|[0-3](?:mi|[a-c])?)")
    example = "N1a"
    categories = N_CATEGORIES


class TnmM(_TnmAxis):
    """M categories; OSIRIS stores only the flag, see :func:`m_to_flag`."""

    name = "tnm_m"
    title = "TNM M category (UICC)"
    pattern = re.compile(r"M(?:x|0|1[a-d]?)")
    example = "M1"
    categories = M_CATEGORIES


def m_to_flag(m: str | None) -> int | None:
    """OSIRIS item 8.16: 1 for M1 (any subcategory), 0 for M0, ``None`` for Mx or no value."""
    if m is None or not str(m).strip():
        return None
    value = split_tnm(m)
    if value is None or value.category[0] != "M":
        raise TerminologyError(
            f"{m!r} is not an M category", hint="expected M0, M1, M1a... or Mx", value=m
        )
    if value.category == "Mx":
        return None
    return 0 if value.category == "M0" else 1


def _parse_token(token: str) -> list[TnmValue] | None:
    found: list[TnmValue] = []
    position = 0
    while position < len(token):
        match = _COMPONENT.match(token, position)
        if match is None or match.end() == position:
            return None
        value = split_tnm(match.group(0))
        if value is None:
            return None
        found.append(value)
        position = match.end()
    return found


def _components(text: str) -> list[TnmValue]:
    found: list[TnmValue] = []
    for token in _TOKEN_SPLIT.split(text.strip()):
        parsed = _parse_token(token) or _parse_token(token.strip("()[]{}.,:"))
        if parsed:
            found.extend(parsed)
    return found


def _system(axis: str) -> CodeSystem:
    from oncorwd.terminology.registry import get_code_system

    return get_code_system(f"tnm_{axis}")


def parse_tnm(text: str) -> dict[str, str | int | None]:
    """Split a TNM string into its parts.

    ``parse_tnm("cT1cN0M0")`` → ``{"t": "T1c", "n": "N0", "m": "M0", "t_prefix": "c",
    "n_prefix": "c", "m_prefix": "c", "n_suffix": None, "m_flag": 0}``. A component without its own
    prefix takes the first prefix of the string (``pT2 N1 M0`` → ``pN1``). Words that are not TNM
    components are skipped; the first component of each axis wins. Raises
    :class:`TerminologyError` when no T, N or M category is found, or one is not a UICC category.
    """
    result: dict[str, str | int | None] = {key: None for key in ("t", "n", "m")}
    result.update({f"{key}_prefix": None for key in ("t", "n", "m")})
    result["n_suffix"] = None
    components = _components(text)
    default_prefix = next((c.prefix for c in components if c.prefix), "")
    for component in components:
        axis = component.category[0].lower()
        if result[axis] is not None:
            continue
        if not _system(axis).validate(component.category):
            raise TerminologyError(
                f"{component.category!r} in {text!r} is not a UICC {axis.upper()} category",
                value=text,
            )
        result[axis] = component.category
        result[f"{axis}_prefix"] = component.prefix or default_prefix or None
        if axis == "n":
            result["n_suffix"] = component.suffix or None
    if all(result[axis] is None for axis in ("t", "n", "m")):
        raise TerminologyError(f"no TNM category found in {text!r}", hint="expected e.g. cT1cN0M0")
    m = result["m"]
    result["m_flag"] = m_to_flag(m) if isinstance(m, str) else None
    return result


_UNKNOWN_STAGES = frozenset({"", "UK", "UNK", "X", "INCONNU", "UNKNOWN", "NA", "ND", "NK"})
_STAGE = re.compile(r"(0|IV|III|II|I|[1-4])(IS|[A-ES]?[1-3]?)")
_ROMAN = {
    "0": "0",
    "1": "I",
    "2": "II",
    "3": "III",
    "4": "IV",
    "I": "I",
    "II": "II",
    "III": "III",
    "IV": "IV",
}


def stage_group_to_osiris(stage: str | None) -> str:
    """A stage group (``IIIB``, ``Stage IVA``, ``stade 2``, ``0is``) → OSIRIS ``0/I/II/III/IV/UK``.

    Unknown markers (``UK``, ``X``, ``inconnu``, empty) give ``UK``; any other text raises
    :class:`TerminologyError`, because a wrong stage is worse than a missing one.
    """
    text = squash(stage or "")
    text = re.sub(r"^(STAGE|STADE|ST\.?)", "", text)
    if text in _UNKNOWN_STAGES:
        return "UK"
    match = _STAGE.fullmatch(text)
    if match is None:
        raise TerminologyError(
            f"{stage!r} is not a stage group",
            hint="expected 0, I-IV with optional letters (IIIB, IVA), or UK",
            value=stage,
        )
    return _ROMAN[match.group(1)]
