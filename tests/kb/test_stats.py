"""Knowledge-base coverage for officials: answer cells per attribute and per field, on the
CLI (``trolyao kb stats``) and the dashboard's API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.support.staff import bearer, staff_client
from trolyao.kb.repository import get_procedure
from trolyao.kb.stats import ATTRIBUTES, coverage


def test_the_seeded_knowledge_base_fills_its_cells_where_the_source_has_them(
    seeded_engine: Engine,
) -> None:
    with Session(seeded_engine) as session:
        report = coverage(session).as_dict()
    assert report["procedures"] >= 280
    assert report["from_portal"] == 278
    assert set(report["attributes"]) == set(ATTRIBUTES)
    for name, cell in report["attributes"].items():
        assert cell["filled_where_source_has"] <= cell["source_has"] <= report["procedures"], name
        assert cell["share_where_source_has"] >= 0.85, name  # the target, each attribute
    assert report["filled_share_where_source_has"] >= 0.85
    assert report["fields"]["nguon.sha256"]["filled"] == 278


def test_an_emptied_cell_lowers_the_coverage(engine: Engine) -> None:
    with Session(engine) as session:
        before = coverage(session).attributes["documents"]["filled"]
    with Session(engine) as session, session.begin():
        birth = get_procedure(session, "1.001193")
        birth.documents.clear()
    with Session(engine) as session:
        after = coverage(session).attributes["documents"]
    assert after["filled"] == before - 1
    assert after["filled_where_source_has"] < after["source_has"]


def test_officials_see_it_and_citizens_do_not(engine: Engine) -> None:
    with staff_client(engine) as client:
        assert client.get("/api/analytics/kb-coverage").status_code == 401
        response = client.get("/api/analytics/kb-coverage", headers=bearer(client, "canbo"))
        assert response.status_code == 200
        body = response.json()
        assert body["attributes"]["fee"]["filled"] > 0 and body["answer_cells"] > 0


def test_the_cli_prints_attributes_and_fields(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'stats.db'}"}
    cli = [sys.executable, "-m", "cli"]
    for step in (["db", "upgrade"], ["kb", "seed"]):
        subprocess.run([*cli, *step], env=env, check=True, capture_output=True)
    text = subprocess.run(
        [*cli, "kb", "stats"], env=env, check=True, capture_output=True, text=True
    ).stdout
    assert "từ Cổng DVC quốc gia" in text and "documents" in text and "nguon.sha256" in text
    data = json.loads(
        subprocess.run(
            [*cli, "kb", "stats", "--json"], env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    assert data["attributes"]["steps"]["filled"] >= 278
    assert f"từ ngữ đời thường: {data['procedures']}/{data['procedures']}" in text


def test_every_seeded_procedure_has_everyday_words_and_one_without_is_on_the_work_list(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        words = coverage(session).as_dict()["everyday_words"]
    assert (words["without"], words["work_list"]) == (0, [])
    with Session(engine) as session, session.begin():
        birth = get_procedure(session, "1.001193")
        birth.aliases, birth.situations = [birth.name], []
    with Session(engine) as session:
        report = coverage(session).as_dict()
    assert report["everyday_words"]["work_list"] == ["1.001193"]
    assert report["everyday_words"]["with"] == report["procedures"] - 1
    assert report["fields"]["tu_ngu_doi_thuong"]["filled"] == report["procedures"] - 1
