"""Run by ``test_killed_load`` in a child process: load a new version from Parquet files,
printing one line per table written (``table <name> <rows>``) and pausing in the progress
callback so the parent's SIGKILL lands in the middle of the load.

Usage: python child_load.py STORE_URL PARQUET_DIR SITE_ID PAUSE_SECONDS
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from oncorwd.store import open_store


def main() -> None:
    url, folder, site_id, pause = sys.argv[1], Path(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    tables = {p.stem: p for p in sorted(folder.glob("*.parquet"))}

    def progress(table: str, rows: int) -> None:
        print(f"table {table} {rows}", flush=True)
        time.sleep(pause)

    with open_store(url) as store:
        print("open", flush=True)
        info = store.load(tables, site_id=site_id, on_progress=progress)
    print(f"committed {info.version}", flush=True)


if __name__ == "__main__":
    main()
