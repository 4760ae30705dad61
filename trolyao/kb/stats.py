"""How much of the knowledge base can answer: per attribute a citizen asks about, and per
field of the national record.

An answer cell is filled when the published procedure holds the fact. For procedures
read from a national-portal record, the record itself says whether the state published
the fact at all, so their coverage is also given against the cells the source has
(``source_has``): what the parser reached of what there was to reach.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from trolyao.kb.models import Procedure, SourceRecord, SubmissionChannel
from trolyao.kb.portal.cells import NO_INFO
from trolyao.kb.repository import in_force

_FEE_TOKEN = re.compile(r"\d ?(?:Việt Nam Đồng|VNĐ|VND|USD)|Miễn phí")
_TIME_TOKEN = re.compile(r"(?:Trực tuyến|Dịch vụ bưu chính|Trực tiếp)\d+ ?(?:Ngày|Giờ|Tháng|Năm)")


def _present(value: Any) -> bool:
    return isinstance(value, str) and value.strip() not in ("", NO_INFO, "-", "--")


# attribute → (what the knowledge base holds, whether the portal record has it)
ATTRIBUTES: dict[str, tuple[Callable[[Procedure], bool], Callable[[dict[str, Any]], bool]]] = {
    "documents": (
        lambda p: bool(p.documents),
        lambda r: "Tên giấy tờMẫu đơn, tờ khaiSố lượng" in str(r.get("thanh_phan_ho_so", "")),
    ),
    "fee": (
        lambda p: any(c.fees for c in p.channels),
        lambda r: bool(_FEE_TOKEN.search(str(r.get("cach_thuc_thuc_hien", "")))),
    ),
    "duration": (
        lambda p: any(c.time_text for c in p.channels),
        lambda r: bool(_TIME_TOKEN.search(str(r.get("cach_thuc_thuc_hien", "")))),
    ),
    "steps": (lambda p: bool(p.steps), lambda r: _present(r.get("trinh_tu_thuc_hien"))),
    "requirements": (
        lambda p: bool(p.requirements),
        lambda r: _present(r.get("yeu_cau_dieu_kien")),
    ),
    "result": (
        lambda p: bool(p.results),
        lambda r: _present(str(r.get("ket_qua_xu_ly", "")).split("Từ khóa")[0]),
    ),
    "online": (
        lambda p: bool(p.online_level) or any(c.kind == "truc_tuyen" for c in p.channels),
        lambda r: "Trực tuyến" in str(r.get("cach_thuc_thuc_hien", "")),
    ),
    "place": (
        lambda p: bool(p.agency_executing or p.agency_competent or p.submission_address),
        lambda r: any(
            _present(r.get(k))
            for k in ("co_quan_thuc_hien", "co_quan_co_tham_quyen", "dia_chi_tiep_nhan")
        ),
    ),
}

MIN_EVERYDAY_WORDS = 3  # common names and situations: "làm sổ đỏ", "vừa sinh con" …


def has_everyday_words(p: Procedure) -> bool:
    """Whether citizens can reach ``p`` in their own words: a short name, and at least
    :data:`MIN_EVERYDAY_WORDS` common names or situations beside the official name."""
    own = [a for a in p.aliases if a.casefold() != p.name.casefold()]
    return bool(p.short_name) and len(own) + len(p.situations) >= MIN_EVERYDAY_WORDS


FIELDS: dict[str, Callable[[Procedure], bool]] = {
    "ma_thu_tuc": lambda p: bool(p.code),
    "ten_ngan": lambda p: bool(p.short_name),
    "su_kien": lambda p: bool(p.life_events),
    "tu_ngu_doi_thuong": has_everyday_words,
    "so_quyet_dinh_cong_bo": lambda p: bool(p.decision_no),
    "ten_goi_khac": lambda p: bool(p.aliases),
    "tinh_huong": lambda p: bool(p.situations),
    "cap_thuc_hien": lambda p: bool(p.levels),
    "doi_tuong_thuc_hien": lambda p: bool(p.subjects),
    "co_quan.thuc_hien": lambda p: bool(p.agency_executing),
    "trinh_tu_thuc_hien": lambda p: bool(p.steps),
    "cach_thuc_thuc_hien.thoi_han": lambda p: any(c.time_value is not None for c in p.channels),
    "cach_thuc_thuc_hien.phi_le_phi.so_tien_vnd": lambda p: any(
        f.amount_vnd is not None for c in p.channels for f in c.fees
    ),
    "thanh_phan_ho_so": lambda p: bool(p.documents),
    "thanh_phan_ho_so.mau_don": lambda p: any(d.form_name for d in p.documents),
    "thanh_phan_ho_so.so_ban_chinh": lambda p: any(d.originals is not None for d in p.documents),
    "yeu_cau_dieu_kien": lambda p: bool(p.requirements),
    "ket_qua_thuc_hien": lambda p: bool(p.results),
    "can_cu_phap_ly": lambda p: bool(p.legal_bases),
    "dvc_truc_tuyen.muc_do": lambda p: bool(p.online_level),
    "nguon.url": lambda p: bool(p.source_url),
    "nguon.sha256": lambda p: bool(p.source_sha256),
}


@dataclass
class Coverage:
    """Filled answer cells, per attribute and per field."""

    procedures: int = 0
    from_portal: int = 0
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    fields: dict[str, int] = field(default_factory=dict)
    # the editors' work list: procedures without everyday words, by key
    needs_words: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        cells = sum(a["filled"] for a in self.attributes.values())
        has = sum(a["source_has"] for a in self.attributes.values())
        reached = sum(a["filled_where_source_has"] for a in self.attributes.values())
        return {
            "procedures": self.procedures,
            "from_portal": self.from_portal,
            "answer_cells": len(self.attributes) * self.procedures,
            "filled_cells": cells,
            "filled_share": round(cells / (len(self.attributes) * self.procedures), 4)
            if self.procedures
            else 0.0,
            "filled_share_where_source_has": round(reached / has, 4) if has else None,
            "attributes": self.attributes,
            "everyday_words": {
                "with": self.procedures - len(self.needs_words),
                "without": len(self.needs_words),
                "work_list": self.needs_words[:100],
            },
            "fields": {
                name: {
                    "filled": n,
                    "share": round(n / self.procedures, 4) if self.procedures else 0,
                }
                for name, n in self.fields.items()
            },
        }


def coverage(session: Session) -> Coverage:
    """The published knowledge base's coverage."""
    procedures = session.scalars(
        select(Procedure)
        .where(in_force())
        .options(
            selectinload(Procedure.channels).selectinload(SubmissionChannel.fees),
            selectinload(Procedure.documents),
            selectinload(Procedure.legal_bases),
        )
    ).all()
    shas = [p.source_sha256 for p in procedures if p.source_sha256]
    sources = {
        sha: json.loads(raw)
        for sha, raw in session.execute(
            select(SourceRecord.sha256, SourceRecord.raw).where(SourceRecord.sha256.in_(shas))
        )
    }
    out = Coverage(procedures=len(procedures))
    out.from_portal = sum(1 for p in procedures if p.source_sha256 in sources)
    for name, (holds, source_has) in ATTRIBUTES.items():
        filled = has = reached = 0
        for p in procedures:
            here = holds(p)
            filled += here
            raw = sources.get(p.source_sha256 or "")
            if raw is not None and source_has(raw):
                has += 1
                reached += here
        out.attributes[name] = {
            "filled": filled,
            "share": round(filled / len(procedures), 4) if procedures else 0.0,
            "source_has": has,
            "filled_where_source_has": reached,
            "share_where_source_has": round(reached / has, 4) if has else None,
        }
    for name, holds_field in FIELDS.items():
        out.fields[name] = sum(1 for p in procedures if holds_field(p))
    out.needs_words = sorted(p.code or p.slug for p in procedures if not has_everyday_words(p))
    return out
