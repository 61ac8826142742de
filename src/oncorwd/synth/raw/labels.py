"""Local labels the hospitals' systems write instead of the OSIRIS RWD codes.

Each dict maps an OSIRIS RWD code to the label one source system exports. The example mapping
specs map them back, inline (short lists) or from ``maps/*.csv`` files written by
:func:`write_label_maps` (long lists); a test checks the specs against these dicts.
"""

from __future__ import annotations

import csv
from pathlib import Path

__all__ = [
    "BIOMARKER_TYPE",
    "FILE_MAPS",
    "INTERNE",
    "LATERALITE",
    "LIEN",
    "MESURE",
    "NATURE",
    "OUI_NON",
    "OUI_NON_INCONNU",
    "RESULTAT",
    "SEXE",
    "SOURCE_VITAL",
    "STATUT_VITAL",
    "TAILLE_METHODE",
    "TYPE_PRELEVEMENT",
    "write_label_maps",
]

SEXE = {"M": "1", "F": "2"}
OUI_NON = {"Y": "Oui", "N": "Non"}
OUI_NON_INCONNU = {"Y": "Oui", "N": "Non", "UN": "Inconnu"}
INTERNE = {"IN": "Interne", "OUT": "Externe"}
STATUT_VITAL = {"0": "Vivant", "1": "Décédé"}
SOURCE_VITAL = {"INSEE": "INSEE", "FACILITY": "Etablissement", "MEDICAL_RECORD": "Dossier médical"}
LATERALITE = {"R": "Droit", "L": "Gauche", "NA": "Sans objet", "UN": "Inconnu"}
TAILLE_METHODE = {"787377000": "Anapath", "113091000": "IRM", "77477000": "Scanner",
                  "16310003": "Echographie", "363680008": "Radiographie"}
LIEN = {"MOTHER": "Mère", "FATHER": "Père", "SON": "Fils", "DAUGHTER": "Fille",
        "GRANDFATHER": "Grand-père", "GRANDMOTHER": "Grand-mère", "GRANDSON": "Petit-fils",
        "GRANDDAUGHTER": "Petite-fille", "BROTHER": "Frère", "SISTER": "Soeur"}
MESURE = {"PS": "OMS", "WEIGHT": "POIDS", "HEIGHT": "TAILLE"}
TYPE_PRELEVEMENT = {"SURGICAL": "Pièce opératoire", "BIOPSY": "Biopsie",
                    "CYTOLOGY": "Cytologie", "FLUID": "Liquide biologique", "UNKNOWN": "Inconnu"}
NATURE = {"TUMOR": "Tumoral", "HEALTHY": "Sain"}
BIOMARKER_TYPE = {"TUMOR": "Tumoral", "GERMLINE": "Constitutionnel", "SERUM": "Sérique"}
RESULTAT = {"POSITIVE": "Positif", "NEGATIVE": "Négatif", "NON_CONTRIBUTIVE": "Non contributif",
            "MISSING": "Manquant"}

#: Label lists shipped as value-map files: file name -> labels (columns ``libelle,code``).
FILE_MAPS = {"lien_parente.csv": LIEN, "type_prelevement.csv": TYPE_PRELEVEMENT}


def write_label_maps(folder: str | Path) -> list[Path]:
    """Write the :data:`FILE_MAPS` value-map CSVs (UTF-8, comma-separated) into ``folder``."""
    out = []
    for name, labels in FILE_MAPS.items():
        p = Path(folder) / name
        p.parent.mkdir(parents=True, exist_ok=True)
        with p.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["libelle", "code"])
            w.writerows([label, code] for code, label in labels.items())
        out.append(p)
    return out
