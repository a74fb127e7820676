"""A refresh reads dbt's node results while dbt runs (orchestration.dbt_runner.DbtStream), on a
small dbt project of its own: the warehouse's configuration and macros, two staging models, the
second built from the first, and one test on each."""

import pytest

from orchestration.dbt_runner import DbtStream
from tests.conftest import small_dbt_project

MODELS = """
version: 2
models:
  - name: first
    columns: [{name: n, data_type: integer, data_tests: [not_null]}]
  - name: second
    columns: [{name: n, data_type: integer, data_tests: [unique]}]
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    project = small_dbt_project(
        tmp_path,
        "staging",
        {
            "_models.yml": MODELS,
            "first.sql": "select 1 as n union all select 2",
            "second.sql": "select n * 10 as n from {{ ref('first') }}",
        },
    )
    monkeypatch.setattr("orchestration.dbt_runner.DBT_PROJECT_DIR", project)
    return project


def stream(project, *args: str, **options) -> DbtStream:
    env = {
        "CPB_DUCKDB_PATH": str(project.parent / "build.duckdb"),
        "CPB_PUBLICATION_PATH": str(project.parent / "publication.duckdb"),
    }
    return DbtStream(["build", *args], target_path=project / "target", env=env, **options)


def test_each_result_arrives_while_dbt_runs_and_the_commands_result_after(project):
    build = stream(project)
    arrived = []
    for event in build:
        # the command's result exists only once dbt is done
        arrived.append((event["data"]["node_info"]["unique_id"], build.result is None))
    # in the graph's order: a model, then its test; the second model only after the first
    names = [uid.split(".")[-1] if uid.startswith("model") else uid.split(".")[2] for uid, _ in arrived]
    assert names == ["first", "not_null_first_n", "second", "unique_second_n"]
    assert all(running for _, running in arrived)
    assert build.result.success
    assert [e["data"]["node_info"]["unique_id"] for e in build.result.events] == [u for u, _ in arrived]


def test_a_reader_that_stops_early_waits_for_dbt_to_finish(project):
    build = stream(project)
    for _ in build:
        break  # the loop drops the generator, which closes it
    # dbt has finished, and closed its database, by the time the loop is left
    assert build.result is not None and build.result.success


def test_an_error_of_the_dbt_thread_is_raised_to_the_reader(project):
    with pytest.raises(TypeError, match="no_such_option"):
        list(stream(project, no_such_option=True))
