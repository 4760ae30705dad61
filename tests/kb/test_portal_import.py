"""The national portal's records (``--format dvc-portal``): facts read with confidence or
left null, traceable to the raw line, bad rows skipped without losing the others."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.support.paths import DATA
from trolyao.kb.models import Procedure, SourceRecord
from trolyao.kb.portal import parse_line
from trolyao.kb.portal.cells import parse_channels
from trolyao.kb.portal.documents import parse_documents
from trolyao.kb.portal.evaluation import read_facts, score
from trolyao.kb.records import SLUG_PATTERN, slugify
from trolyao.kb.repository import get_procedure
from trolyao.kb.transfer import import_file

FACTS = DATA / "portal_facts.jsonl"


def _portal_lines() -> list[bytes]:
    packed = resources.files("trolyao.kb.data").joinpath("dvc_portal_records.jsonl.gz")
    with packed.open("rb") as handle, gzip.open(handle) as lines:
        return [line for line in lines if line.strip()]


@pytest.mark.parametrize("facts_file", ["portal_facts.jsonl", "portal_facts_heldout.jsonl"])
def test_labelled_facts_precision_is_one_and_recall_at_least_ninety_percent(
    facts_file: str,
) -> None:
    records = {}
    for number, line in enumerate(_portal_lines(), start=1):
        row = parse_line(number, line)
        assert row.record is not None, row.errors
        records[row.record["ma_thu_tuc"]] = row.record
    facts = read_facts(FACTS.parent / facts_file)
    assert len(facts) >= (60 if facts_file == "portal_facts.jsonl" else 20)
    result = score(records, facts)
    assert result.wrong == []
    assert result.precision == 1.0
    assert result.recall >= 0.90, result.missed


def test_a_flattened_channel_table_is_read_per_channel() -> None:
    cell = (
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến3 Ngày làm việc7,000 Việt Nam Đồng"
        "(thu 7.000 đồng/lần)Nộp qua Cổng DVCTrực tiếp3 Ngày làm việc10,000 Việt Nam Đồng"
    )
    channels, issues = parse_channels(cell)
    assert [c["hinh_thuc"] for c in channels] == ["truc_tuyen", "truc_tiep"]
    assert [c["phi_le_phi"][0]["so_tien_vnd"] for c in channels] == [7000, 10000]
    assert channels[0]["thoi_han"]["don_vi"] == "ngay_lam_viec"
    assert channels[0]["mo_ta"] == "Nộp qua Cổng DVC"
    assert issues == []


def test_numbers_without_units_stay_null_and_are_reported() -> None:
    channels, issues = parse_channels(
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1Miễn phíTrực tiếp125 VNĐ"
    )
    online, direct = channels
    assert "thoi_han" not in online and online["phi_le_phi"][0]["so_tien_vnd"] == 0
    assert "thoi_han" not in direct and direct["phi_le_phi"] == []
    assert len(issues) == 2


def test_a_fee_whose_note_says_it_ended_keeps_that_date() -> None:
    channels, _ = parse_channels(
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến8 Ngày làm việc160,000 Việt Nam Đồng"
        "(áp dụng đến hết ngày 31/12/2023 theo Thông tư số 44/2023/TT-BTC)"
    )
    assert channels[0]["phi_le_phi"][0]["ap_dung_den"] == "2023-12-31"


def test_documents_keep_counts_form_codes_and_cases() -> None:
    docs, _ = parse_documents(
        "* Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai thay đổi thông tin cư trú"
        " (Mẫu CT01 ban hành kèm theo Thông tư số 53/2025/TT-BCA);1.MuCT01banhnhkm.doc1 bản chính"
        "Bản sao giấy khai sinh0 bản chính,1 bản sao"
        "- Trường hợp ủy quyền thì nộp văn bản ủy quyền.1 bản chính"
    )
    assert [d["mau_don"]["ten"] if "mau_don" in d else None for d in docs] == ["CT01", None, None]
    assert docs[0]["ten_giay_to"].endswith("53/2025/TT-BCA)")  # the attachment name is cut
    assert (docs[1]["so_ban_chinh"], docs[1]["so_ban_sao"]) == (0, 1)
    assert docs[2]["truong_hop"] == "Trường hợp ủy quyền"


def test_bad_lines_are_row_errors_and_the_rest_imports(engine: Engine, tmp_path: Path) -> None:
    good = _portal_lines()[:3]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b"".join(good[:1])
        + b'{"broken json\n'
        + b"\x00\x01\x02binary junk\xff\n"
        + json.dumps({"ten_thu_tuc": "Không có mã", "linh_vuc": "X"}).encode()
        + b"\n"
        + json.dumps(
            {
                "ma_thu_tuc": "1.999999",
                "ten_thu_tuc": "Ô khổng lồ",
                "thanh_phan_ho_so": "a" * 1_000_000,
            }
        ).encode()
        + b"\n"
        + b"".join(good[1:])
    )
    dry = import_file(engine, path, user="kiemthu", dry_run=True)
    assert sorted(e["row"] for e in dry.errors) == [2, 3, 4, 5]
    assert dry.skipped == 4 and not dry.written
    assert dry.notes  # the unit-less times of real records, left null
    report = import_file(engine, path, user="kiemthu")
    assert report.written and report.skipped == 4
    assert report.created + report.updated + report.unchanged == 3
    with Session(engine) as session:
        assert session.scalar(select(Procedure).where(Procedure.code == "1.999999")) is None
        shas = {hashlib.sha256(line.strip()).hexdigest() for line in good}
        sources = session.scalars(select(SourceRecord).where(SourceRecord.sha256.in_(shas))).all()
        assert len(sources) == 3  # kept once each (the seed holds the same lines)
        for source in sources:
            assert hashlib.sha256(source.raw.encode()).hexdigest() == source.sha256
            live = get_procedure(session, source.code or "")
            assert live.source_sha256 == source.sha256


def test_a_catalog_procedure_keeps_its_names_when_the_portal_refreshes_it(
    engine: Engine, tmp_path: Path
) -> None:
    line = next(x for x in _portal_lines() if b'"1.004194"' in x)  # Đăng ký tạm trú
    path = tmp_path / "one.jsonl"
    path.write_bytes(line)
    import_file(engine, path, user="kiemthu")
    with Session(engine) as session:
        stay = get_procedure(session, "1.004194")
        assert stay.name == "Đăng ký tạm trú"
        assert stay.situations
        assert any(c.kind == "truc_tuyen" and c.fees[0].amount_vnd == 7000 for c in stay.channels)


def test_a_name_longer_than_the_slug_limit_imports(engine: Engine, tmp_path: Path) -> None:
    name = "Thủ tục " + "cấp giấy chứng nhận đủ điều kiện kinh doanh dịch vụ " * 12
    slug = slugify(name)
    assert len(slug) <= 200
    import re

    assert re.match(SLUG_PATTERN, slug)
    path = tmp_path / "long.jsonl"
    record = {"ma_thu_tuc": "1.999998", "ten_thu_tuc": name[:480], "linh_vuc": "Thử nghiệm"}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    report = import_file(engine, path, user="kiemthu")
    assert report.errors == [] and report.created == 1


def test_the_cli_dry_run_reports_rows_and_blank_cells(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_bytes(b"".join(_portal_lines()[:2]) + b"not json\n")
    db = tmp_path / "cli.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    cli = [sys.executable, "-m", "cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    dry = subprocess.run(
        [*cli, "kb", "import", str(path), "--format", "dvc-portal", "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert "dòng 3: _: Dòng không phải một đối tượng JSON." in dry.stdout
    assert "(để trống)" in dry.stdout
    assert "1 dòng bỏ qua" in dry.stdout and "chạy thử" in dry.stdout


def test_hundreds_of_real_shaped_records_import_and_import_again_unchanged(
    tmp_path: Path,
) -> None:
    """The benchmark's import at a size the check lane affords (`make bench` runs 2,600)."""
    from bench.portal_import import run_portal_import_benchmark

    result = run_portal_import_benchmark(300, tmp_path)
    assert (result["created"], result["errors"]) == (300, 0)
    assert result["again_unchanged"] == 300


def test_an_import_check_that_takes_too_long_is_refused_before_writing(
    engine: Engine, tmp_path: Path
) -> None:
    from trolyao.kb.spreadsheet import ImportFileError

    path = tmp_path / "many.jsonl"
    path.write_bytes(b"".join(_portal_lines()[:40]))
    with pytest.raises(ImportFileError, match="quá"):
        import_file(engine, path, user="kiemthu", time_limit=0.0)
    with Session(engine) as session:
        assert session.scalar(select(Procedure).where(Procedure.code == "9.000001")) is None
    report = import_file(engine, path, user="kiemthu", dry_run=True, time_limit=60.0)
    assert report.rows == 40 and report.errors == []
