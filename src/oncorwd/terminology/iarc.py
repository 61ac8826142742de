"""IARC/IACR 2004 multiple-primary groups, exactly as the OSIRIS RWD implementation guide lists.

Two tables of the guide's annex ("Les groupes par localisation et morphologie pour le codage des
cancers") decide whether two tumours count as one primary or two:

* topography groups: sites that count as a single organ (C19 + C20, C33 + C34, ...). When two
  tumours of one group are synchronous (diagnosed less than 6 months apart) the guide codes the
  group's summary site (``synchronous_code``); when metachronous, the first site.
* histology groups 1-17 (adapted from Berg 1996): morphologies in different groups are
  "histologically different".

The tables are data below, copied from the guide; everything else is lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from oncorwd.errors import TerminologyError
from oncorwd.terminology._base import check_language
from oncorwd.terminology.icdo3 import IcdO3Morphology, normalize_morphology, normalize_topography

__all__ = [
    "HISTOLOGY_GROUPS",
    "TOPOGRAPHY_GROUPS",
    "HistologyGroup",
    "TopographyGroup",
    "morphology_group",
    "same_histology_group",
    "same_topography_group",
    "topography_group",
]


@dataclass(frozen=True, slots=True)
class TopographyGroup:
    """Sites counted as one organ; ``key`` joins the 3-character sites (``C19+C20``)."""

    key: str
    sites: tuple[str, ...]
    synchronous_code: str | None
    label_en: str
    label_fr: str


@dataclass(frozen=True, slots=True)
class HistologyGroup:
    """One of the 17 histology groups; ``ranges`` are inclusive 4-digit morphology ranges."""

    number: int
    label_en: str
    label_fr: str
    ranges: tuple[tuple[int, int], ...]


def _tg(sites: str, code: str, en: str, fr: str) -> TopographyGroup:
    members = tuple(sites.split("+"))
    return TopographyGroup(sites, members, code, en, fr)


TOPOGRAPHY_GROUPS: tuple[TopographyGroup, ...] = (
    _tg("C01+C02", "C02.9", "Tongue", "Langue"),
    _tg("C00+C03+C04+C05+C06", "C06.9", "Lip and mouth", "Lèvre et bouche"),
    _tg(
        "C09+C10+C12+C13+C14",
        "C14.0",
        "Tonsil, oropharynx and hypopharynx",
        "Amygdale, oropharynx et hypopharynx",
    ),
    _tg(
        "C19+C20",
        "C20.9",
        "Rectosigmoid junction and rectum",
        "Jonction recto-sigmoïdienne et rectum",
    ),
    _tg("C23+C24", "C24.9", "Gallbladder and biliary tract", "Vésicule et voies biliaires"),
    _tg("C33+C34", "C34.9", "Trachea, bronchus and lung", "Trachée, bronches et poumon"),
    _tg(
        "C40+C41",
        "C41.9",
        "Bones, joints and articular cartilage",
        "Os, articulations et cartilage articulaire",
    ),
    _tg(
        "C65+C66+C67+C68",
        "C68.9",
        "Renal pelvis, ureter, bladder and other urinary organs",
        "Bassinet, uretère, vessie et autres organes urinaires",
    ),
)


def _hg(number: int, en: str, fr: str, ranges: str) -> HistologyGroup:
    parsed: list[tuple[int, int]] = []
    for part in ranges.split(","):
        low, _, high = part.strip().partition("-")
        parsed.append((int(low), int(high or low)))
    return HistologyGroup(number, en, fr, tuple(parsed))


HISTOLOGY_GROUPS: tuple[HistologyGroup, ...] = (
    _hg(
        1,
        "Squamous and transitional cell carcinomas",
        "Carcinomes épidermoïdes et carcinomes à cellules transitionnelles",
        "8051-8084, 8120-8131",
    ),
    _hg(2, "Basal cell carcinomas", "Carcinomes basocellulaires", "8090-8110"),
    _hg(
        3,
        "Adenocarcinomas",
        "Adénocarcinomes",
        "8140-8149, 8160-8162, 8190-8221, 8260-8337, 8350-8551, 8570-8576, 8940-8941",
    ),
    _hg(
        4,
        "Other specific carcinomas",
        "Autres carcinomes spécifiques",
        "8030-8046, 8150-8157, 8170-8180, 8230-8255, 8340-8347, 8560-8562, 8580-8671",
    ),
    _hg(
        5,
        "Unspecified carcinomas (NOS)",
        "Carcinomes non spécifiés (SAI)",
        "8010-8015, 8020-8022, 8050",
    ),
    _hg(
        6,
        "Sarcomas and soft tissue tumours",
        "Sarcomes et tumeurs des parties molles",
        "8680-8713, 8800-8921, 8990-8991, 9040-9044, 9120-9125, 9130-9136, 9141-9252, "
        "9370-9373, 9540-9582",
    ),
    _hg(7, "Mesothelioma", "Mésothéliome", "9050-9055"),
    _hg(
        8,
        "Myeloid leukaemias",
        "Leucémies myéloïdes",
        "9840, 9861-9931, 9945-9946, 9950, 9961-9964, 9980-9987",
    ),
    _hg(
        9,
        "Mature B-cell lymphomas",
        "Lymphomes matures à cellules B",
        "9670-9699, 9728, 9731-9734, 9761-9767, 9769, 9823-9826, 9833, 9836, 9940",
    ),
    _hg(
        10,
        "Mature T- and NK-cell lymphomas",
        "Lymphomes matures à cellules T et NK",
        "9700-9719, 9729, 9768, 9827-9831, 9834, 9837, 9948",
    ),
    _hg(11, "Hodgkin lymphoma", "Lymphome hodgkinien", "9650-9667"),
    _hg(12, "Mast-cell tumours", "Tumeurs à mastocytes", "9740-9742"),
    _hg(
        13,
        "Tumours of histiocytes and accessory lymphoid cells",
        "Tumeurs à histiocytes et cellules lymphoïdes accessoires",
        "9750-9758",
    ),
    _hg(
        14,
        "Unspecified types (haematopoietic and lymphoid)",
        "Types non spécifiés",
        "9590-9591, 9596, 9727, 9760, 9800-9801, 9805, 9820, 9832, 9835, 9860, 9960, 9970, "
        "9975, 9989",
    ),
    _hg(15, "Kaposi sarcoma", "Sarcome de Kaposi", "9140"),
    _hg(
        16,
        "Other specified types of cancer",
        "Autres types de cancer spécifiés",
        "8720-8790, 8930-8936, 8950-8983, 9000-9030, 9060-9110, 9260-9365, 9380-9539",
    ),
    _hg(17, "Unspecified types of cancer", "Types de cancer non spécifiés", "8000-8005"),
)


@cache
def _histology_index() -> dict[int, HistologyGroup]:
    index: dict[int, HistologyGroup] = {}
    for group in HISTOLOGY_GROUPS:
        for low, high in group.ranges:
            for value in range(low, high + 1):
                if value in index:
                    raise AssertionError(f"morphology {value} in two IARC groups")
                index[value] = group
    return index


@cache
def _topography_index() -> dict[str, TopographyGroup]:
    return {site: group for group in TOPOGRAPHY_GROUPS for site in group.sites}


def topography_group(code: str) -> TopographyGroup:
    """The multiple-primary site group of a topography code; a lone site is its own group."""
    norm = normalize_topography(code)
    if not norm.startswith("C") or len(norm) not in (3, 5) or not norm[1:3].isdigit():
        raise TerminologyError(
            f"{code!r} is not an ICD-O-3 topography code",
            hint="expected Cnn.n, like C50.4",
            system="icdo3_topography",
            value=code,
        )
    site = norm[:3]
    group = _topography_index().get(site)
    if group is not None:
        return group
    from oncorwd.terminology.registry import get_code_system

    system = get_code_system("icdo3_topography")
    return TopographyGroup(
        site, (site,), None, system.label(site, "en") or site, system.label(site, "fr") or site
    )


def morphology_group(code: str, lang: str = "en") -> tuple[int, str] | None:
    """``(group number, label)`` of a morphology code, ``None`` outside the 17 groups.

    Only the 4-digit type counts: the groups are defined on types, whatever the behaviour.
    """
    check_language(lang)
    norm = normalize_morphology(code)
    if IcdO3Morphology.pattern.fullmatch(norm) is None:
        raise TerminologyError(
            f"{code!r} is not an ICD-O-3 morphology code",
            hint="expected NNNN/B, like 8140/3",
            system="icdo3_morphology",
            value=code,
        )
    group = _histology_index().get(int(norm[:4]))
    if group is None:
        return None
    return group.number, group.label_en if lang == "en" else group.label_fr


def same_topography_group(first: str, second: str) -> bool:
    """Whether two sites count as one organ for the multiple-primary rules."""
    return topography_group(first).key == topography_group(second).key


def same_histology_group(first: str, second: str) -> bool:
    """Whether two morphologies are not "histologically different" (same group 1-17).

    Types outside every group compare equal only to themselves.
    """
    one, two = morphology_group(first), morphology_group(second)
    if one is None or two is None:
        return normalize_morphology(first)[:4] == normalize_morphology(second)[:4]
    return one[0] == two[0]
