"""The README's examples work: its SQL runs against the published marts, its commands exist."""

import re
from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_readme_sql_examples_run_on_the_published_marts(embedded_run):
    blocks = re.findall(r"```sql\n(.*?)```", README, flags=re.S)
    statements = [s.strip() for block in blocks for s in block.split(";") if s.strip()]
    assert statements
    for sql in statements:
        assert embedded_run.query(sql), f"README example returned nothing:\n{sql}"


def test_readme_quickstart_is_the_two_make_commands():
    quickstart = README.split("## Quickstart", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split()[:2] for line in quickstart.strip().splitlines()] == [
        ["make", "run"],
        ["make", "test"],
    ]
