"""Round trip OSIRIS RWD -> mCODE -> OSIRIS RWD: every field the map carries
(:data:`~oncorwd.convert.mcode.CARRIED`) comes back equal, on the hand-written site and, as a
property, on synthetic populations of several seeds and sizes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcode_factory import SITE

from oncorwd.convert.mcode import CARRIED, ExportResult, export_mcode, read_mcode, roundtrip_diff
from oncorwd.store import Store, open_store


def _source(store: Store) -> dict[str, pa.Table]:
    objecting = store.query("SELECT patient_id FROM non_opposition WHERE non_opposition = 'N'")
    out = {}
    for name in CARRIED:
        table = store.read(name)
        keep = pc.invert(pc.is_in(table.column("patient_id"), value_set=objecting.column(0)))
        out[name] = table.filter(keep)
    return out


def _lost(result: ExportResult) -> dict[str, set[str]]:
    import orjson

    report = orjson.loads(result.report_path.read_bytes())
    lost: dict[str, set[str]] = {}
    for item in report["unrepresented"]:
        lost.setdefault(item["table"], set()).update(item["record_ids"])
    return lost


def test_tiny_site_round_trips(tiny_store: Store, tiny_ndjson: ExportResult) -> None:
    back = read_mcode([tiny_ndjson.out_dir], site_id=SITE)
    assert roundtrip_diff(_source(tiny_store), back.tables, skip_ids=_lost(tiny_ndjson)) == []


def test_diff_sees_a_changed_field(tiny_store: Store, tiny_ndjson: ExportResult) -> None:
    back = read_mcode([tiny_ndjson.out_dir], site_id=SITE).tables
    cancer = back["cancer"]
    back["cancer"] = cancer.set_column(cancer.schema.get_field_index("tnm_n"), "tnm_n",
                                       pa.array(["N2"] * cancer.num_rows))
    diffs = roundtrip_diff(_source(tiny_store), back, skip_ids=_lost(tiny_ndjson))
    assert diffs == ["cancer T-C001 tnm_n: 'N1a' -> 'N2'"]


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), patients=st.integers(5, 40),
       fmt=st.sampled_from(["ndjson", "bundles"]))
def test_synthetic_populations_round_trip(seed: int, patients: int, fmt: str) -> None:
    from oncorwd.synth import default_network, generate_site

    spec = default_network(n_sites=1, n_patients=patients, seed=seed)[0]
    site = generate_site(spec, seed=seed)
    with tempfile.TemporaryDirectory() as tmp, \
            open_store(f"duckdb://{Path(tmp) / 's.duckdb'}") as store:
        store.load(site.tables, site_id=spec.site_id)
        result = export_mcode(store, Path(tmp) / "out", format=fmt,  # type: ignore[arg-type]
                              chunk_patients=7)
        back = read_mcode([Path(tmp) / "out"], site_id=spec.site_id)
        assert roundtrip_diff(_source(store), back.tables, skip_ids=_lost(result)) == []
