"""The report as a person opens it: headless Chromium, from disk, offline; every chart draws, no errors.

Needs Debian's ``chromium``: installed here with apt-get when missing (as root, the build machines'
user); skipped, saying why, where it cannot be. The screenshot is saved beside the report
(``warehouse/published/report/screenshot.png`` of the run under test) for people to look at.
"""

import os
import shutil
import subprocess

import pytest

from orchestration.report.browser import check_page, chromium


@pytest.fixture(scope="module")
def browser() -> str:
    if chromium() is None:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            pytest.skip("chromium is not installed and apt-get cannot install it here (not root)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(f"{' '.join(command)} failed, so no browser to test with: {done.stderr[-500:]}")
    return chromium()


def test_the_report_draws_every_chart_offline_without_errors(browser, embedded_run):
    report = embedded_run.warehouse_dir / "published" / "report"
    screenshot = report / "screenshot.png"

    check = check_page(report / "index.html", screenshot)

    assert check.charts, "no chart on the page"
    assert [chart["id"] for chart in check.charts if not (chart["svg"] and chart["marks"])] == []
    assert check.errors == []
    assert check.requests == []  # nothing fetched from the network: the JavaScript is inline
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
