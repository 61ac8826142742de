"""Bad input never crashes ingest: a file-level fault is a clear ``OncorwdError``; row-level
faults are quarantined with a rule and a reason, and every input row is accounted for
(``input == loaded + quarantined``). Property-based (hypothesis)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_fixtures import SITE_ID, write_xlsx

from oncorwd.errors import ConfigError, DataError, OncorwdError
from oncorwd.ingest.pipeline import IngestResult, run

FAST = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
SLOW = settings(max_examples=6, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

SPEC = """\
version: 1
site: {{site_id: "{site}", name: bad-input}}
sources:
  p: {{format: {fmt}, path: "{path}"{extra}}}
value_maps:
  sex: {{values: {{"1": M, "2": F, H: M}}}}
tables:
  patient:
    from: p
    fields:
      patient_id: ID
      facility_finess: {{value: "{site}"}}
      birth_date: {{column: DDN, formats: ["%d/%m/%Y", "%m/%Y", "%Y"]}}
      sex: {{column: SEXE, map: sex}}
{more}"""

CANCER = """\
  cancer:
    from: p
    fields:
      cancer_id: {template: "{ID}-K"}
      patient_id: ID
      cancer_order: {value: 1}
      care_in_facility: {value: "Y"}
      diagnosis_date: {column: DIAG, formats: ["%d/%m/%Y", "%Y"]}
      diagnosis_method: {value: "7"}
      topography: {value: "C50.9"}
      morphology: {value: "8500/3"}
      laterality: {value: "L"}
"""


def _spec(folder: Path, content: bytes, *, fmt: str = "csv", name: str = "p.csv",
          extra: str = "", more: str = "") -> Path:
    (folder / name).write_bytes(content)
    spec = folder / "spec.yaml"
    spec.write_text(SPEC.format(site=SITE_ID, fmt=fmt, path=name, extra=extra, more=more),
                    "utf-8")
    return spec


def _csv(rows: list[list[str]], header: tuple[str, ...] = ("ID", "DDN", "SEXE", "DIAG"),
         sep: str = ";") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def assert_accounted(result: IngestResult) -> None:
    """Every input row loaded or quarantined; every record has a rule and a reason; the
    quarantined rows per table are the accounts'."""
    for account in result.accounting:
        assert account.input == account.loaded + account.quarantined + account.merged
    q = result.quarantine
    assert pc.all(pc.is_valid(q.column("rule"))).as_py() in (True, None)
    assert pc.all(pc.is_valid(q.column("message"))).as_py() in (True, None)
    rows = {(r["table"], r["file"], r["row"]) for r in q.to_pylist() if r["table"]}
    for account in result.accounting:
        assert sum(t == account.table for t, _, _ in rows) == account.quarantined


def _outcome(make: Callable[[Path], Path], **kwargs: object) -> IngestResult | OncorwdError:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            result = run(make(Path(tmp)), **kwargs)  # type: ignore[arg-type]
        except OncorwdError as e:
            assert e.message
            return e
        assert_accounted(result)
        return result


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
dates = st.one_of(cells, st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
                  st.sampled_from(["UN/05/1961", "00/00/1980", "1972", "31/02/2020", "2999"]))
ids = st.sampled_from(["P1", "P2", "P3", "", " P1 "])


@FAST
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=6), max_size=8),
       sep=st.sampled_from([";", ",", "\t", "|"]))
def test_garbage_rows_never_crash(home: Path, rows: list[list[str]], sep: str) -> None:
    outcome = _outcome(lambda d: _spec(d, _csv(rows, sep=sep)), dry_run=True)
    if isinstance(outcome, OncorwdError):
        assert isinstance(outcome, DataError | ConfigError)


@FAST
@given(rows=st.lists(st.tuples(ids, dates, st.sampled_from(["1", "2", "H", "X", ""]), dates),
                     max_size=10))
def test_garbage_dates_codes_and_duplicate_ids_are_quarantined(
        home: Path, rows: list[tuple[str, str, str, str]]) -> None:
    outcome = _outcome(lambda d: _spec(d, _csv([list(r) for r in rows]), more=CANCER),
                       dry_run=True)
    assert isinstance(outcome, IngestResult)
    loaded = {a.table: a.loaded for a in outcome.accounting}
    assert loaded["patient"] <= len({r[0].strip() for r in rows if r[0].strip()})


@SLOW
@given(rows=st.lists(st.tuples(ids, dates, st.sampled_from(["1", "2", "X"]), dates),
                     min_size=1, max_size=8))
def test_whatever_is_not_quarantined_the_store_accepts(
        home: Path, rows: list[tuple[str, str, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as store:
        outcome = _outcome(lambda d: _spec(d, _csv([list(r) for r in rows]), more=CANCER),
                           store_url=f"duckdb:///{store}/s.duckdb")
    assert isinstance(outcome, IngestResult)
    assert outcome.version is not None


@FAST
@given(text=st.text(alphabet="éèàçôÉ€œ abc;", min_size=1, max_size=20))
def test_wrong_encodings_are_clear_errors(home: Path, text: str) -> None:
    latin = ("ID;DDN;SEXE\n1;1950;" + text + "\n").encode("cp1252")
    outcome = _outcome(lambda d: _spec(d, latin, extra=", encoding: utf-8"), dry_run=True)
    assert isinstance(outcome, DataError | IngestResult)
    if isinstance(outcome, IngestResult):  # cp1252 bytes that happen to be valid UTF-8
        latin.decode("utf-8")
    utf8 = ("ID;DDN;SEXE\n1;1950;" + text + "\n").encode("utf-8")
    outcome = _outcome(lambda d: _spec(d, utf8, extra=", encoding: latin-1"), dry_run=True)
    assert isinstance(outcome, DataError) == (not text.isascii())
    assert isinstance(_outcome(lambda d: _spec(d, latin), dry_run=True), IngestResult)


@pytest.mark.parametrize("header", [("ID", "SEXE"), ("ID", "DDN", "SEXE", "EXTRA", "MORE")])
def test_missing_columns_fail_clearly_and_extra_ones_are_ignored(
        home: Path, header: tuple[str, ...]) -> None:
    content = _csv([["P1"] * len(header)], header=header)
    outcome = _outcome(lambda d: _spec(d, content), dry_run=True)
    if "DDN" in header:
        assert isinstance(outcome, IngestResult)
    else:
        assert isinstance(outcome, DataError) and "'DDN'" in outcome.message


@pytest.mark.parametrize(("content", "error"), [(b"", DataError), (b"\xef\xbb\xbf\n", DataError),
                                                (b"ID;DDN;SEXE\n", None)])
def test_empty_and_header_only_files(home: Path, content: bytes,
                                     error: type[Exception] | None) -> None:
    outcome = _outcome(lambda d: _spec(d, content), dry_run=True)
    if error is None:
        assert isinstance(outcome, IngestResult) and outcome.accounting[0].input == 0
    else:
        assert isinstance(outcome, error)


def test_huge_field(home: Path) -> None:
    big = "x" * 1_000_000
    content = _csv([["P1", "1950", big], ["P2", "1960", "1"]], header=("ID", "DDN", "SEXE"))
    outcome = _outcome(lambda d: _spec(d, content), dry_run=True)
    assert isinstance(outcome, IngestResult)
    record = outcome.quarantine.filter(pc.equal(outcome.quarantine.column("rule"),
                                                "unmapped_value")).to_pylist()[0]
    assert len(record["value"]) == 1_000_000


@FAST
@given(content=st.binary(max_size=300))
def test_broken_excel_files(home: Path, content: bytes) -> None:
    outcome = _outcome(lambda d: _spec(d, content, fmt="xlsx", name="p.xlsx"), dry_run=True)
    assert isinstance(outcome, DataError)
    assert "p.xlsx" in outcome.message


def test_excel_with_garbage_cells_is_accounted(home: Path, tmp_path: Path) -> None:
    def make(folder: Path) -> Path:
        spec = _spec(folder, b"", fmt="xlsx", name="p.xlsx")
        write_xlsx(folder / "p.xlsx", [("P1", 1950.5, 1), ("P2", None, "2"), (None, "x", None),
                                       ("P3", "1960", "1", "beyond")],
                   ("ID", "DDN", "SEXE"), sheet="Sheet")
        return spec

    outcome = _outcome(make, dry_run=True)
    assert isinstance(outcome, IngestResult)
    assert outcome.sources[0].malformed == 1


def test_unreachable_database(home: Path) -> None:
    def make(folder: Path) -> Path:
        spec = folder / "spec.yaml"
        spec.write_text(SPEC.format(site=SITE_ID, fmt="sql", path="", more="", extra=(
            ', url: "postgresql://u:pw@127.0.0.1:1/db", query: "SELECT 1"')).replace(
            'path: "", ', ""), "utf-8")
        return spec

    outcome = _outcome(make, dry_run=True)
    assert isinstance(outcome, ConfigError)
    assert "127.0.0.1:1" in outcome.message and "pw" not in outcome.message
