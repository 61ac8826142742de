"""FHIR R4 mCODE STU4: export a site's OSIRIS RWD data version (Bulk Data NDJSON, per-patient
mCODE Patient Bundles) and import mCODE back into OSIRIS RWD.

::

    from oncorwd.convert.mcode import export_mcode, import_mcode

    with open_store(url) as store:
        result = export_mcode(store, "out/", format="ndjson")   # or "bundles"
    # back through the ingest pipeline (quarantine, accounting, derived cohort variables):
    result = import_mcode(url, ["out/"], site="site-b", site_id="750010076")

One builder per mCODE profile (``patient.py``, ``condition.py``, ``staging.py``…) turns Arrow
batches into resources with vectorised kernels (:mod:`~oncorwd.convert.mcode.columns`); the code
maps and their sources are data (``data/maps.yaml``); writers and the reader do the I/O.
"""

from oncorwd.convert.mcode.export import BUILDERS, REPORT_NAME, ExportResult, export_mcode
from oncorwd.convert.mcode.importer import ImportResult, import_mcode, read_mcode
from oncorwd.convert.mcode.reader import ImportIssue
from oncorwd.convert.mcode.roundtrip import CARRIED, NOT_CARRIED, roundtrip_diff

__all__ = ["BUILDERS", "CARRIED", "NOT_CARRIED", "REPORT_NAME", "ExportResult", "ImportIssue",
           "ImportResult", "export_mcode", "import_mcode", "read_mcode", "roundtrip_diff"]
