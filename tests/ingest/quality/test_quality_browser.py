"""The HTML report in a real browser (headless Debian Chromium through Playwright): it renders
every section and its Plotly charts, logs no error and asks nothing from the network."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from oncorwd.ingest.quality import build_report, write_report

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SECTIONS = ("summary", "version", "accounting", "completeness", "checks", "checks-conformance",
            "checks-completeness", "checks-plausibility", "distributions", "changes", "method")
MIN_CHARTS = 9  # every distribution but the biomarkers (none in the hand-made site)


@pytest.fixture(scope="module")
def page_path(two_versions: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    html, _ = write_report(build_report(two_versions, site="hand-made"),
                           tmp_path_factory.mktemp("page"))
    return html


@pytest.fixture(scope="module")
def browser() -> Any:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def opened(browser: Any, page_path: Path) -> Any:
    """The page loaded, with its console errors and every request it made."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r: Any) -> None:
        requests.append(r.request.url)
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    page.goto(page_path.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot svg').length >= "
                           f"{MIN_CHARTS}", timeout=20_000)
    yield page, errors, requests
    page.close()


def test_title_and_sections(opened: Any) -> None:
    page, _, _ = opened
    assert page.title() == "Data quality — hand-made — version 2"
    for section in SECTIONS:
        assert page.locator(f"#{section}").count() == 1, section
        assert page.locator(f"#{section} h2, #{section} h3").first.is_visible(), section


def test_table_of_contents_links_resolve(opened: Any) -> None:
    page, _, _ = opened
    targets = page.eval_on_selector_all("nav.toc a", "els => els.map(e => e.hash.slice(1))")
    assert set(SECTIONS) <= set(targets)
    assert all(page.locator(f"#{t}").count() == 1 for t in targets)


def test_plotly_charts_render(opened: Any) -> None:
    page, _, _ = opened
    plots = page.locator(".js-plotly-plot")
    assert plots.count() >= MIN_CHARTS
    drawn = page.eval_on_selector_all(
        ".js-plotly-plot", "els => els.filter(e => e.querySelector('svg.main-svg') && "
        "e.querySelectorAll('.bars .point, .trace.bars path').length > 0).length")
    assert drawn >= MIN_CHARTS


def test_no_console_error_and_no_network(opened: Any) -> None:
    _, errors, requests = opened
    assert errors == []
    assert requests and all(u.startswith("file://") for u in requests)


def test_figures_shown(opened: Any) -> None:
    page, _, _ = opened
    summary = page.locator("#summary").inner_text()
    assert "Checks failing" in summary
    changes = page.locator("#changes").inner_text()
    assert "P7" in changes and "P6" in changes
