"""Every synthetic site profile (case mix, coding habits) exports to mCODE with zero errors on
the three validation layers: parse (fhir.resources), profiles (mCODE snapshots), invariants."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from oncorwd.convert.mcode import export_mcode
from oncorwd.store import open_store
from oncorwd.synth import default_network, generate_site

SITES = default_network(n_sites=5, n_patients=80, seed=29)


@pytest.mark.slow
@pytest.mark.parametrize("spec", SITES, ids=[s.name for s in SITES])
def test_site_export_has_no_validation_error(spec: object, tmp_path: Path) -> None:
    fhir = pytest.importorskip("oncorwd.fhir")
    site = generate_site(spec, seed=29)  # type: ignore[arg-type]
    with open_store(f"duckdb://{tmp_path / 'site.duckdb'}") as store:
        store.load(site.tables, site_id=spec.site_id)  # type: ignore[attr-defined]
        result = export_mcode(store, tmp_path / "out")
    resources = [orjson.loads(line) for path in sorted(result.out_dir.glob("*.ndjson"))
                 for line in path.read_bytes().splitlines() if line]
    assert len(resources) == sum(result.resources.values()) > 500
    assert {r["resourceType"] for r in resources} >= {"Patient", "Condition", "Observation",
                                                      "MedicationAdministration", "Procedure"}
    errors = [str(i) for i in fhir.validate_resources(resources) if i.severity == "error"]
    assert errors == []
