"""Life events (sự kiện): the national portal groups services by what happens in a life
("có con nhỏ", "người thân qua đời") rather than by ministry. Each procedure record names
one or more of them (``su_kien``), so that a citizen who does not know a procedure's name
can reach it by what happened: an event first, then its procedures.

The keys are stable (stored in records, exports and URLs); the labels are what citizens see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

LifeEventKey = Literal[
    "co_con_nho",
    "ket_hon_gia_dinh",
    "nguoi_than_qua_doi",
    "cu_tru_giay_to",
    "dat_dai_nha_o",
    "xay_dung",
    "phuong_tien_nguoi_lai",
    "viec_lam_bao_hiem",
    "huu_tri",
    "kinh_doanh_doanh_nghiep",
    "thue_hai_quan",
    "nong_nghiep",
    "tu_phap_toa_an",
    "nguoi_co_cong_tro_cap",
]


@dataclass(frozen=True)
class LifeEvent:
    """One life event: its stable key and its label."""

    key: str
    label: str


LIFE_EVENTS: tuple[LifeEvent, ...] = (
    LifeEvent("co_con_nho", "Có con nhỏ"),
    LifeEvent("ket_hon_gia_dinh", "Kết hôn và gia đình"),
    LifeEvent("nguoi_than_qua_doi", "Người thân qua đời"),
    LifeEvent("cu_tru_giay_to", "Cư trú và giấy tờ tùy thân"),
    LifeEvent("dat_dai_nha_o", "Đất đai và nhà ở"),
    LifeEvent("xay_dung", "Xây dựng"),
    LifeEvent("phuong_tien_nguoi_lai", "Phương tiện và người lái"),
    LifeEvent("viec_lam_bao_hiem", "Việc làm và bảo hiểm"),
    LifeEvent("huu_tri", "Hưu trí"),
    LifeEvent("kinh_doanh_doanh_nghiep", "Kinh doanh và doanh nghiệp"),
    LifeEvent("thue_hai_quan", "Thuế và hải quan"),
    LifeEvent("nong_nghiep", "Nông nghiệp"),
    LifeEvent("tu_phap_toa_an", "Tư pháp và tòa án"),
    LifeEvent("nguoi_co_cong_tro_cap", "Người có công và trợ cấp"),
)
LIFE_EVENT_KEYS: tuple[str, ...] = tuple(event.key for event in LIFE_EVENTS)
if get_args(LifeEventKey) != LIFE_EVENT_KEYS:  # one list of keys, in the same order
    raise RuntimeError("LIFE_EVENTS and LifeEventKey disagree")
LABELS: dict[str, str] = {event.key: event.label for event in LIFE_EVENTS}


def label_of(key: str) -> str:
    """The citizen-facing label of ``key`` (the key itself when unknown)."""
    return LABELS.get(key, key)
