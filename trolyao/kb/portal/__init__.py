"""The national portal's procedure detail record (``--format dvc-portal``), one JSON object
per line, parsed into this project's procedure record.

Each line becomes a record, or a row error (a malformed line, a missing code or name, an
oversized cell, binary junk) that leaves the other lines importable. Cells that cannot be
read with confidence stay null and come back as notes in the dry run. Every record keeps
its source: the detail page URL, the collection date, and the sha256 of the raw line,
whose full text is kept in ``source_records``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trolyao.kb.portal.cells import (
    Issue,
    clean,
    parse_channels,
    parse_legal_bases,
    parse_levels,
    parse_results,
    parse_steps,
    split_outside_brackets,
)
from trolyao.kb.portal.documents import parse_documents
from vntext import fold

FORMAT = "dvc-portal"
MAX_LINE = 2_000_000  # bytes: a real record is under 100 kB
MAX_CELL = 100_000  # characters, as for spreadsheet cells
CODE = re.compile(r"^[1-9]\.\d{6}$")
SOURCE_NOTE = "Cổng Dịch vụ công quốc gia (dichvucong.gov.vn), trang chi tiết thủ tục"


@dataclass
class PortalRow:
    """One line of the file: its record (or ``None``), row errors and parse notes."""

    number: int
    record: dict[str, Any] | None
    errors: list[dict[str, str]] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)
    sha256: str | None = None
    raw: str | None = None


def read_portal_rows(path: Path, collected_on: dt.date | None = None) -> Iterator[PortalRow]:
    """Each line of ``path`` parsed; never raises for a bad line."""
    with path.open("rb") as handle:
        yield from read_portal_lines(handle, collected_on)


def read_portal_lines(
    lines: Iterable[bytes], collected_on: dt.date | None = None
) -> Iterator[PortalRow]:
    """Each non-empty line parsed, numbered from 1."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield parse_line(number, line, collected_on)


def parse_line(number: int, line: bytes, collected_on: dt.date | None = None) -> PortalRow:
    """One raw line → a :class:`PortalRow`."""
    line = line.strip()
    digest = hashlib.sha256(line).hexdigest()
    row = PortalRow(number, None, sha256=digest)
    if len(line) > MAX_LINE:
        row.errors.append({"field": "_", "message": f"Dòng quá dài (tối đa {MAX_LINE} byte)."})
        return row
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        row.errors.append({"field": "_", "message": "Dòng không phải văn bản UTF-8."})
        return row
    if "\x00" in text or re.search(r"[\x01-\x08\x0e-\x1f]", text):
        row.errors.append({"field": "_", "message": "Dòng chứa ký tự nhị phân."})
        return row
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        row.errors.append({"field": "_", "message": "Dòng không phải một đối tượng JSON."})
        return row
    if not isinstance(data, dict):
        row.errors.append({"field": "_", "message": "Dòng không phải một đối tượng JSON."})
        return row
    for key, value in data.items():
        if not isinstance(value, (str, int, float, type(None))):
            row.errors.append({"field": str(key)[:60], "message": "Ô phải là văn bản."})
        elif isinstance(value, str) and len(value) > MAX_CELL:
            row.errors.append(
                {"field": str(key)[:60], "message": f"Ô quá dài (tối đa {MAX_CELL} ký tự)."}
            )
    code = data.get("ma_thu_tuc")
    if not isinstance(code, str) or not CODE.match(code.strip()):
        row.errors.append({"field": "ma_thu_tuc", "message": "Thiếu mã thủ tục hợp lệ (1.001193)."})
    if not isinstance(data.get("ten_thu_tuc"), str) or clean(data["ten_thu_tuc"]) is None:
        row.errors.append({"field": "ten_thu_tuc", "message": "Thiếu tên thủ tục."})
    if row.errors:
        return row
    record, issues = portal_record(data, digest, collected_on)
    row.record = record
    row.raw = text
    row.notes = [i.as_dict() for i in issues]
    return row


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return clean(value) if isinstance(value, str) else None


def portal_record(
    data: dict[str, Any], digest: str, collected_on: dt.date | None = None
) -> tuple[dict[str, Any], list[Issue]]:
    """The procedure record of one portal object, and what could not be read."""
    issues: list[Issue] = []
    channels, found = parse_channels(data.get("cach_thuc_thuc_hien"))
    issues += found
    documents, found = parse_documents(data.get("thanh_phan_ho_so"))
    issues += found
    legal, found = parse_legal_bases(data.get("can_cu_phap_ly"))
    issues += found
    results, found = parse_results(data.get("ket_qua_xu_ly"))
    issues += found
    levels, found = parse_levels(data.get("cap_thuc_hien"))
    issues += found
    name = _text(data, "ten_thu_tuc") or ""
    record: dict[str, Any] = {
        "ma_thu_tuc": str(data["ma_thu_tuc"]).strip(),
        "ten_thu_tuc": name[:500],
        "so_quyet_dinh_cong_bo": (_text(data, "so_quyet_dinh") or "")[:500] or None,
        "linh_vuc": (_text(data, "linh_vuc") or "Chưa phân loại")[:500],
        "loai_thu_tuc": (_text(data, "loai_thu_tuc") or "")[:500] or None,
        "cap_thuc_hien": levels,
        "doi_tuong_thuc_hien": split_outside_brackets(data.get("doi_tuong_thuc_hien"))[:20],
        "co_quan": {
            "co_tham_quyen": _text(data, "co_quan_co_tham_quyen"),
            "thuc_hien": _text(data, "co_quan_thuc_hien"),
            "duoc_uy_quyen": _text(data, "co_quan_duoc_uy_quyen"),
            "phoi_hop": _text(data, "co_quan_phoi_hop"),
            "dia_chi_tiep_nhan": _text(data, "dia_chi_tiep_nhan"),
        },
        "trinh_tu_thuc_hien": parse_steps(data.get("trinh_tu_thuc_hien")),
        "cach_thuc_thuc_hien": channels,
        "thanh_phan_ho_so": documents,
        "yeu_cau_dieu_kien": _shortened(_text(data, "yeu_cau_dieu_kien"), issues),
        "ket_qua_thuc_hien": results,
        "can_cu_phap_ly": legal,
        "nguon": {
            "url": _url(data.get("detail_url")),
            "ngay_thu_thap": collected_on.isoformat() if collected_on else None,
            "sha256": digest,
            "ghi_chu": SOURCE_NOTE,
        },
    }
    if not _text(data, "linh_vuc"):
        issues.append(Issue("linh_vuc", "Không có lĩnh vực: ghi 'Chưa phân loại'."))
    return record, issues


LONG = 10_000


def _shortened(text: str | None, issues: list[Issue]) -> str | None:
    """A text cut at a sentence end below the record's limit, saying where the rest is."""
    if text is None or len(text) <= LONG:
        return text
    tail = " … (xem đầy đủ tại nguồn)"
    head = text[: LONG - len(tail)]
    cut = max(head.rfind(". "), head.rfind(".\n"), head.rfind(";"))
    issues.append(Issue("yeu_cau_dieu_kien", f"Dài {len(text)} ký tự: giữ phần đầu, trỏ về nguồn."))
    return (head[: cut + 1] if cut > LONG // 2 else head) + tail


def _url(value: Any) -> str | None:
    if isinstance(value, str) and re.match(r"^https?://\S+$", value.strip()):
        return value.strip()[:1000]
    return None


# Facts the portal fills; where its cell is empty, what the knowledge base knew stays.
_FACTS = (
    "so_quyet_dinh_cong_bo",
    "loai_thu_tuc",
    "cap_thuc_hien",
    "doi_tuong_thuc_hien",
    "trinh_tu_thuc_hien",
    "cach_thuc_thuc_hien",
    "thanh_phan_ho_so",
    "yeu_cau_dieu_kien",
    "ket_qua_thuc_hien",
    "can_cu_phap_ly",
)


def _said(time: dict[str, Any] | None) -> str:
    """A time as said, folded: "7 Ngày làm việc" and "7 ngày làm việc" say the same."""
    if not time:
        return ""
    text = time.get("nguyen_van") or f"{time.get('gia_tri') or ''} {time.get('don_vi') or ''}"
    return " ".join(re.sub(r"\b0+(?=\d)", "", fold(str(text))).split())


def _merge_channels(
    known: list[dict[str, Any]], portal: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The portal's channels, then what ours know that they do not: a channel the portal
    does not list, or, from a channel of ours that names no channel, the fees when no
    portal fee has an amount ("Thực hiện theo Thông tư …" beside "Cấp lần đầu miễn phí")
    and the time when no portal channel says it ("10 ngày (tối đa 15 ngày khi cần xác
    minh)" beside "10 Ngày"). Never a fact dropped, none twice."""
    kinds = {c.get("hinh_thuc") for c in portal}
    amounts = any(
        f.get("so_tien_vnd") is not None for c in portal for f in c.get("phi_le_phi") or []
    )
    times = {_said(c.get("thoi_han")) for c in portal if c.get("thoi_han")}
    out = list(portal)
    for channel in known:
        kind = channel.get("hinh_thuc")
        if kind is not None:
            if kind not in kinds:
                out.append(channel)
            continue
        kept = {
            "hinh_thuc": None,
            "thoi_han": None
            if _said(channel.get("thoi_han")) in times | {""}
            else channel.get("thoi_han"),
            "phi_le_phi": [] if amounts else list(channel.get("phi_le_phi") or []),
        }
        if kept["thoi_han"] or kept["phi_le_phi"]:
            out.append({**channel, **kept})
    return out


def merge_known(known: dict[str, Any] | None, portal: dict[str, Any]) -> dict[str, Any]:
    """The portal's record over what the knowledge base holds for the same code: our
    name, aliases, situations, local key and area stay; the portal's official name is
    kept beside them as an alias; each fact comes from the portal unless its cell is
    empty there."""
    if not known:
        return portal
    out = dict(portal)
    out["ma_noi_bo"] = known.get("ma_noi_bo") or portal.get("ma_noi_bo")
    out["ten_thu_tuc"] = known.get("ten_thu_tuc") or portal["ten_thu_tuc"]
    aliases = list(known.get("ten_goi_khac") or [])
    official = portal["ten_thu_tuc"]
    if fold(official) != fold(out["ten_thu_tuc"]) and all(
        fold(a) != fold(official) for a in aliases
    ):
        aliases.append(official)
    out["ten_goi_khac"] = aliases[:100]
    out["tinh_huong"] = list(known.get("tinh_huong") or [])
    out["linh_vuc"] = known.get("linh_vuc") or portal["linh_vuc"]
    for key in _FACTS:
        if not portal.get(key) and known.get(key):
            out[key] = known[key]
    if portal.get("cach_thuc_thuc_hien") and known.get("cach_thuc_thuc_hien"):
        out["cach_thuc_thuc_hien"] = _merge_channels(
            known["cach_thuc_thuc_hien"], portal["cach_thuc_thuc_hien"]
        )
    agencies = dict(known.get("co_quan") or {})
    agencies.update({k: v for k, v in (portal.get("co_quan") or {}).items() if v})
    out["co_quan"] = agencies
    for key in ("ma_thu_tuc_dia_phuong", "dvc_truc_tuyen", "dia_ban", "hieu_luc", "so_bo_ho_so"):
        if known.get(key) is not None:
            out[key] = known[key]
    return out
