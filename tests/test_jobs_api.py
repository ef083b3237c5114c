"""GET /api/jobs: the scheduler's status for the admin, behind the admin token."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from crawler.store import JOB_STALE_AFTER, Store, open_store, stamp
from vnsearch.bench.pgcluster import free_port
from webui import create_app

TOKEN = "s3cret-tøken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def two_jobs(store: Store) -> None:
    """Two jobs as the scheduler leaves them: one done, one running right now."""
    now = datetime.now(timezone.utc)
    store.plan_job("baokontum", "6h", now)
    store.start_job("baokontum", "host:1", now - timedelta(minutes=2))
    counts = {"pages": 9, "new": 4, "updated": 1, "gone": 0, "errors": {}}
    store.finish_job("baokontum", "complete", counts, now, now + timedelta(hours=6), 0)
    store.plan_job("tinhuykontum", "0 */6 * * *", now)
    store.start_job("tinhuykontum", "host:2", now)


@pytest.fixture
def data_dir(tmp_path):
    with Store.in_data_dir(tmp_path) as store:
        two_jobs(store)
    return tmp_path


def jobs_of(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {job["site"]: job for job in response.get_json()["jobs"]}


def test_without_a_configured_token_the_route_does_not_exist(data_dir):
    client = create_app({"DATA_DIR": data_dir}).test_client()
    response = client.get("/api/jobs", headers=AUTH)
    assert response.status_code == 404 and response.get_json() == {"error": "not found"}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": TOKEN}])
def test_a_missing_or_wrong_token_is_401(data_dir, headers):
    client = create_app({"DATA_DIR": data_dir, "ADMIN_TOKEN": TOKEN}).test_client()
    response = client.get("/api/jobs", headers=headers)
    assert response.status_code == 401
    assert response.get_json() == {"error": "a valid admin token is required"}


def test_the_admin_sees_every_job_as_the_store_holds_it(data_dir):
    client = create_app({"DATA_DIR": data_dir, "ADMIN_TOKEN": TOKEN}).test_client()
    jobs = jobs_of(client.get("/api/jobs", headers=AUTH))
    with Store.in_data_dir(data_dir) as store:
        assert list(jobs.values()) == json.loads(json.dumps(store.jobs()))
    done, running = jobs["baokontum"], jobs["tinhuykontum"]
    assert done["outcome"] == "complete" and not done["running"] and done["owner"] is None
    assert done["counts"]["new"] == 4 and done["schedule"] == "6h"
    assert done["next_run"] > done["last_run_finished"]
    assert running["outcome"] == "running" and running["running"]
    assert running["owner"] == "host:2"


def test_a_job_whose_process_died_reads_interrupted(data_dir):
    stale = datetime.now(timezone.utc) - timedelta(seconds=JOB_STALE_AFTER + 5)
    with Store.in_data_dir(data_dir) as store:
        store.db.execute("UPDATE jobs SET heartbeat = ? WHERE site = 'tinhuykontum'",
                         (stamp(stale),))
    client = create_app({"DATA_DIR": data_dir, "ADMIN_TOKEN": TOKEN}).test_client()
    job = jobs_of(client.get("/api/jobs", headers=AUTH))["tinhuykontum"]
    assert job["outcome"] == "interrupted" and not job["running"]


def test_the_admin_route_never_answers_another_origin(data_dir):
    client = create_app({"DATA_DIR": data_dir, "ADMIN_TOKEN": TOKEN}).test_client()
    response = client.get("/api/jobs", headers={**AUTH, "Origin": "http://127.0.0.1:9"})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_the_jobs_of_a_postgres_store_are_served_and_an_unreachable_one_is_503(
    postgres_url, tmp_path
):
    with open_store(postgres_url) as store:
        two_jobs(store)
    config = {"DATA_DIR": tmp_path, "STORE": postgres_url, "ADMIN_TOKEN": TOKEN}
    jobs = jobs_of(create_app(config).test_client().get("/api/jobs", headers=AUTH))
    assert jobs["tinhuykontum"]["running"] and jobs["baokontum"]["counts"]["new"] == 4
    assert not (tmp_path / "store.sqlite").exists()
    away = {**config, "STORE": f"postgresql://vnsearch@127.0.0.1:{free_port()}/archive"}
    response = create_app(away).test_client().get("/api/jobs", headers=AUTH)
    assert response.status_code == 503
    assert response.get_json()["error"].startswith("cannot open the PostgreSQL store 127.0.0.1:")
