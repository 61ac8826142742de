"""Same seed and spec, same bytes; chunked generation equals one-shot generation."""

from __future__ import annotations

import datetime as dt

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from oncorwd.dictionary import arrow_schema, load_dictionary
from oncorwd.errors import SynthError
from oncorwd.synth import (
    SiteSpec,
    default_network,
    generate_site,
    iter_site_chunks,
    mds_tables,
    write_site,
)


def _spec(n: int = 5000, block: int = 2000) -> SiteSpec:
    return SiteSpec(site_id="330000005", code="D01", name="determinism", n_patients=n,
                    case_mix="university_general", cutoff=dt.date(2026, 3, 31), block_size=block)


def test_same_seed_same_tables():
    a, b = generate_site(_spec(), 5), generate_site(_spec(), 5)
    for name in a.tables:
        assert a.tables[name].equals(b.tables[name]), name
    assert a.truth.equals(b.truth)
    assert a.ground_truth == b.ground_truth


def test_other_seed_other_tables():
    a, b = generate_site(_spec(), 5), generate_site(_spec(), 6)
    assert not a.tables["cancer"].equals(b.tables["cancer"])


@pytest.mark.parametrize("chunk_size", [2000, 4000, 3000])
def test_chunks_concatenate_to_the_one_shot_site(chunk_size):
    """Contract: chunks hold whole blocks (chunk_size rounded up to a multiple of block_size);
    their concatenation equals generate_site exactly."""
    whole = generate_site(_spec(), 9)
    chunks = list(iter_site_chunks(_spec(), 9, chunk_size=chunk_size))
    per_chunk = -(-chunk_size // 2000) * 2000
    assert len(chunks) == -(-5000 // per_chunk)
    for name, table in whole.tables.items():
        assert pa.concat_tables([c[name] for c in chunks]).equals(table), name


def test_sites_differ_and_ids_do_not_collide():
    specs = default_network(3, 1000, 3)
    assert len({s.site_id for s in specs}) == 3 and len({s.code for s in specs}) == 3
    sites = [generate_site(s, 3) for s in specs]
    ids = [set(s.tables["patient"].column("patient_id").to_pylist()) for s in sites]
    assert not (ids[0] & ids[1]) and not (ids[1] & ids[2])


def test_write_site_is_byte_identical_and_complete(tmp_path):
    spec = _spec(3000, 1000)
    seen: list[int] = []
    root = write_site(spec, 4, tmp_path / "a", chunk_size=2000, progress=seen.append)
    again = write_site(spec, 4, tmp_path / "b", chunk_size=2000)
    assert root == tmp_path / "a" / spec.site_id
    assert seen == [2000, 3000]
    files = sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for rel in files:
        assert (root / rel).read_bytes() == (again / rel).read_bytes(), rel
    whole = generate_site(spec, 4)
    for e in (load_dictionary().entity(n) for n in mds_tables()):
        parts = sorted((root / "osiris" / e.name).glob("part-*.parquet"))
        assert [p.name for p in parts] == ["part-00000.parquet", "part-00001.parquet"]
        table = pq.read_table(root / "osiris" / e.name)
        assert table.schema.names == arrow_schema(e).names
        assert table.num_rows == whole.tables[e.name].num_rows
    truth = pq.read_table(root / "truth.parquet")
    assert truth.num_rows == 3000
    gt = orjson.loads((root / "ground_truth.json").read_bytes())
    assert gt["cutoff_date"] == "2026-03-31" and gt["seed"] == 4
    assert gt["summary"]["patients"] == 3000
    assert gt["summary"]["row_counts"]["patient"] == 3000


def test_write_site_replaces_previous_output(tmp_path):
    spec = _spec(2000, 1000)
    root = write_site(spec, 1, tmp_path, chunk_size=1000)
    assert len(list((root / "osiris" / "patient").glob("*.parquet"))) == 2
    root = write_site(spec, 1, tmp_path, chunk_size=2000)
    assert len(list((root / "osiris" / "patient").glob("*.parquet"))) == 1


def test_invalid_specs_are_refused():
    with pytest.raises(ValueError):
        SiteSpec(site_id="12345", code="S01", name="x", n_patients=10, cutoff=dt.date(2026, 1, 1))
    with pytest.raises(SynthError):
        SiteSpec(site_id="750000001", code="S01", name="x", n_patients=10,
                 case_mix="no_such_profile", cutoff=dt.date(2026, 1, 1)).weights()
    with pytest.raises(SynthError):
        SiteSpec(site_id="750000001", code="S01", name="x", n_patients=10,
                 case_mix={"not_a_cancer": 1.0}, cutoff=dt.date(2026, 1, 1)).weights()
    with pytest.raises(SynthError):
        default_network(0, 10, 1)


@pytest.mark.parametrize("n", [1, 7])
def test_tiny_sites_have_conforming_possibly_empty_tables(n):
    spec = SiteSpec(site_id="750000001", code="T01", name="tiny", n_patients=n,
                    case_mix={"aml": 1.0, "testis": 1.0}, cutoff=dt.date(2026, 1, 31))
    site = generate_site(spec, n)
    for e in (load_dictionary().entity(n) for n in mds_tables()):
        assert site.tables[e.name].schema.equals(arrow_schema(e))
    assert site.tables["patient"].num_rows == n
