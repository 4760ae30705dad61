"""The procedure record: the national database's shape, used for seed, import, export and API.

Keys are the national database's (``ma_thu_tuc``, ``cach_thuc_thuc_hien`` ...). Some keys
are this project's own: ``ma_noi_bo``, a stable local key for procedures that have no
national code in our sources; ``nguon.ghi_chu``, the note saying where facts came from;
``ten_goi_khac``, ``tinh_huong``, ``ten_ngan`` and ``su_kien``, the citizens' words and life
events.

A cohesive module past the usual length: the record's shape and its two mappings to the
tables (:func:`apply_record`, :func:`to_record`) stay together, so that a field added to one
is added to all three.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from trolyao.kb.life_events import LIFE_EVENT_KEYS, LifeEventKey
from trolyao.kb.models import Document, Fee, LegalBasis, Procedure, SubmissionChannel
from vntext import fold
from vntext.normalize import INVISIBLE

CODE_PATTERN = r"^[1-9]\.\d{6}$"
LOCAL_CODE_PATTERN = r"^[1-9]\.\d{6}\.000\.00\.00\.H\d{2}$"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Long = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Url = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=1000, pattern=r"^https?://\S+$")
]


# Control characters (category Cc) but line breaks and tabs, lone surrogates (Cs), and the
# invisible characters vntext removes (zero-width, bidirectional overrides): one pass.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff"
    + "".join(re.escape(chr(c)) for c in INVISIBLE)
    + "]"
)


def _clean(value: Any) -> Any:
    """Texts as stored and shown: NFC, no invisible or control characters (line breaks
    and tabs stay). Bidirectional overrides, zero-width characters and NULs go."""
    if isinstance(value, str):
        return _CONTROL.sub("", unicodedata.normalize("NFC", value).replace("\r\n", "\n"))
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("*", mode="before")
    @classmethod
    def _sanitise(cls, value: Any) -> Any:
        return _clean(value)


class TimeLimit(_Record):
    """Processing time of one channel (thời hạn giải quyết)."""

    gia_tri: float | None = Field(default=None, ge=0)
    don_vi: Literal["gio", "ngay", "ngay_lam_viec", "trong_ngay"] | None = None
    nguyen_van: Long | None = None


class FeeRecord(_Record):
    """A fee or charge (phí, lệ phí)."""

    loai: Literal["phi", "le_phi"] | None = None
    so_tien_vnd: int | None = Field(default=None, ge=0)
    nguyen_van: Long
    mien_giam: Long | None = None
    can_cu: Long | None = None
    # The last day the amount applies, when the source's own note says so ("đến hết ngày
    # 31/12/2025"); answers after that day carry a caveat.
    ap_dung_den: dt.date | None = None


class ChannelRecord(_Record):
    """A submission channel; ``hinh_thuc`` is null when the source does not name one."""

    hinh_thuc: Literal["truc_tiep", "truc_tuyen", "buu_chinh"] | None = None
    thoi_han: TimeLimit | None = None
    phi_le_phi: list[FeeRecord] = Field(default_factory=list, max_length=50)
    mo_ta: Long | None = None


class FormTemplate(_Record):
    """A form template (mẫu đơn, tờ khai)."""

    ten: Short
    url: Url | None = None


class DocumentRecord(_Record):
    """A document of the dossier."""

    ten_giay_to: Long
    truong_hop: Long | None = None
    so_ban_chinh: int | None = Field(default=None, ge=0, le=100)
    so_ban_sao: int | None = Field(default=None, ge=0, le=100)
    mau_don: FormTemplate | None = None


class LegalBasisRecord(_Record):
    """A legal basis (căn cứ pháp lý)."""

    so_ky_hieu: Short
    trich_yeu: Long | None = None
    ngay_ban_hanh: dt.date | None = None


class Agencies(_Record):
    """The agencies involved (cơ quan)."""

    co_tham_quyen: Long | None = None
    thuc_hien: Long | None = None
    duoc_uy_quyen: Long | None = None
    phoi_hop: Long | None = None
    dia_chi_tiep_nhan: Long | None = None


class OnlineService(_Record):
    """Online public service (dịch vụ công trực tuyến)."""

    muc_do: Literal["toan_trinh", "mot_phan", "khong"] | None = None
    muc_do_cu_1_4: int | None = Field(default=None, ge=1, le=4)
    url_nop: Url | None = None


class Area(_Record):
    """Where the record applies."""

    ma_tinh_H: str | None = Field(default=None, max_length=8)
    ten_tinh: Short | None = None


class Validity(_Record):
    """Validity (hiệu lực) and replacement."""

    trang_thai: Literal["dang_ap_dung", "het_hieu_luc", "thay_the"] = "dang_ap_dung"
    tu_ngay: dt.date | None = None
    den_ngay: dt.date | None = None
    thay_the_boi: str | None = Field(default=None, pattern=CODE_PATTERN)


class Source(_Record):
    """Where the record's facts come from."""

    url: Url | None = None
    ngay_thu_thap: dt.date | None = None
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    ghi_chu: Long | None = None


class ProcedureRecord(_Record):
    """A whole procedure record, as imported, exported and served by the public API."""

    ma_thu_tuc: str | None = Field(default=None, pattern=CODE_PATTERN)
    ma_noi_bo: str | None = Field(default=None, max_length=200, pattern=SLUG_PATTERN)
    ma_thu_tuc_dia_phuong: str | None = Field(default=None, pattern=LOCAL_CODE_PATTERN)
    so_quyet_dinh_cong_bo: Short | None = None
    ten_thu_tuc: Short
    # This project's own field: a short name for buttons and lists ("Khai tử lưu động"),
    # telling the procedure apart from its siblings; the official name stays the title.
    ten_ngan: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)] | None
    ) = None
    ten_goi_khac: list[Short] = Field(default_factory=list, max_length=100)
    # This project's own field: the situations in which a citizen needs the procedure, in
    # citizens' words ("vừa sinh con", "người thân qua đời", "bị mất căn cước").
    tinh_huong: list[Short] = Field(default_factory=list, max_length=100)
    # This project's own field: the life events the procedure belongs to (life_events.py).
    su_kien: list[LifeEventKey] = Field(default_factory=list, max_length=len(LIFE_EVENT_KEYS))
    linh_vuc: Short
    loai_thu_tuc: Short | None = None
    cap_thuc_hien: list[Literal["trung_uong", "tinh", "huyen", "xa", "co_quan_khac"]] = Field(
        default_factory=list
    )
    doi_tuong_thuc_hien: list[Short] = Field(default_factory=list, max_length=20)
    co_quan: Agencies = Field(default_factory=Agencies)
    trinh_tu_thuc_hien: list[Long] = Field(default_factory=list, max_length=100)
    cach_thuc_thuc_hien: list[ChannelRecord] = Field(default_factory=list, max_length=10)
    thanh_phan_ho_so: list[DocumentRecord] = Field(default_factory=list, max_length=200)
    so_bo_ho_so: int | None = Field(default=None, ge=0, le=100)
    yeu_cau_dieu_kien: Long | None = None
    ket_qua_thuc_hien: list[Long] = Field(default_factory=list, max_length=50)
    can_cu_phap_ly: list[LegalBasisRecord] = Field(default_factory=list, max_length=200)
    thu_tuc_lien_quan: list[Annotated[str, StringConstraints(pattern=CODE_PATTERN)]] = Field(
        default_factory=list, max_length=100
    )
    dvc_truc_tuyen: OnlineService = Field(default_factory=OnlineService)
    dia_ban: Area = Field(default_factory=Area)
    hieu_luc: Validity = Field(default_factory=Validity)
    nguon: Source = Field(default_factory=Source)

    @field_validator("su_kien")
    @classmethod
    def _unique_events(cls, events: list[str]) -> list[str]:
        return list(dict.fromkeys(events))

    @field_validator("ten_goi_khac", "tinh_huong")
    @classmethod
    def _unique_aliases(cls, aliases: list[str]) -> list[str]:
        seen: set[str] = set()
        out = []
        for alias in aliases:
            if fold(alias) not in seen:
                seen.add(fold(alias))
                out.append(alias)
        return out

    def key(self) -> str:
        """The national code, or the local key (derived from the name when not given)."""
        return self.ma_thu_tuc or self.ma_noi_bo or slugify(self.ten_thu_tuc)


class PublicProcedure(ProcedureRecord):
    """A procedure record as the public API serves it, with its local key and last update."""

    ma_noi_bo: str
    cap_nhat_luc: dt.datetime


def slugify(text: str) -> str:
    """Return a URL-safe key from a name: ``Đăng ký khai sinh`` -> ``dang-ky-khai-sinh``."""
    ascii_text = unicodedata.normalize("NFKD", fold(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:200].rstrip("-") or "thu-tuc"


def apply_record(procedure: Procedure, record: ProcedureRecord) -> Procedure:
    """Copy every field of ``record`` onto ``procedure`` (children are replaced)."""
    procedure.code = record.ma_thu_tuc
    procedure.slug = record.ma_noi_bo or procedure.slug or slugify(record.ten_thu_tuc)
    procedure.local_code = record.ma_thu_tuc_dia_phuong
    procedure.decision_no = record.so_quyet_dinh_cong_bo
    procedure.name = record.ten_thu_tuc
    procedure.short_name = record.ten_ngan
    procedure.life_events = list(record.su_kien)
    procedure.aliases = list(record.ten_goi_khac)
    procedure.situations = list(record.tinh_huong)
    procedure.field = record.linh_vuc
    procedure.procedure_type = record.loai_thu_tuc
    procedure.levels = list(record.cap_thuc_hien)
    procedure.subjects = list(record.doi_tuong_thuc_hien)
    procedure.agency_competent = record.co_quan.co_tham_quyen
    procedure.agency_executing = record.co_quan.thuc_hien
    procedure.agency_delegated = record.co_quan.duoc_uy_quyen
    procedure.agency_coordinating = record.co_quan.phoi_hop
    procedure.submission_address = record.co_quan.dia_chi_tiep_nhan
    procedure.steps = list(record.trinh_tu_thuc_hien)
    procedure.dossier_sets = record.so_bo_ho_so
    procedure.requirements = record.yeu_cau_dieu_kien
    procedure.results = list(record.ket_qua_thuc_hien)
    procedure.related_codes = list(record.thu_tuc_lien_quan)
    procedure.online_level = record.dvc_truc_tuyen.muc_do
    procedure.online_level_legacy = record.dvc_truc_tuyen.muc_do_cu_1_4
    procedure.online_url = record.dvc_truc_tuyen.url_nop
    procedure.province_code = record.dia_ban.ma_tinh_H
    procedure.province_name = record.dia_ban.ten_tinh
    procedure.validity = record.hieu_luc.trang_thai
    procedure.effective_from = record.hieu_luc.tu_ngay
    procedure.effective_to = record.hieu_luc.den_ngay
    procedure.replaced_by = record.hieu_luc.thay_the_boi
    procedure.source_url = record.nguon.url
    procedure.source_collected_on = record.nguon.ngay_thu_thap
    procedure.source_sha256 = record.nguon.sha256
    procedure.source_note = record.nguon.ghi_chu
    procedure.channels = [_channel(i, c) for i, c in enumerate(record.cach_thuc_thuc_hien)]
    procedure.documents = [_document(i, d) for i, d in enumerate(record.thanh_phan_ho_so)]
    procedure.legal_bases = [
        LegalBasis(position=i, number=b.so_ky_hieu, summary=b.trich_yeu, issued_on=b.ngay_ban_hanh)
        for i, b in enumerate(record.can_cu_phap_ly)
    ]
    return procedure


def _channel(position: int, channel: ChannelRecord) -> SubmissionChannel:
    time = channel.thoi_han or TimeLimit()
    return SubmissionChannel(
        position=position,
        kind=channel.hinh_thuc,
        time_value=time.gia_tri,
        time_unit=time.don_vi,
        time_text=time.nguyen_van,
        description=channel.mo_ta,
        fees=[
            Fee(
                position=i,
                kind=f.loai,
                amount_vnd=f.so_tien_vnd,
                text=f.nguyen_van,
                exemption=f.mien_giam,
                basis=f.can_cu,
                valid_until=f.ap_dung_den,
            )
            for i, f in enumerate(channel.phi_le_phi)
        ],
    )


def _document(position: int, document: DocumentRecord) -> Document:
    form = document.mau_don
    return Document(
        position=position,
        name=document.ten_giay_to,
        case=document.truong_hop,
        originals=document.so_ban_chinh,
        copies=document.so_ban_sao,
        form_name=form.ten if form else None,
        form_url=form.url if form else None,
    )


def to_record(procedure: Procedure) -> PublicProcedure:
    """Return the public record of ``procedure`` (children must be loaded)."""
    return PublicProcedure(
        ma_thu_tuc=procedure.code,
        ma_noi_bo=procedure.slug,
        ma_thu_tuc_dia_phuong=procedure.local_code,
        so_quyet_dinh_cong_bo=procedure.decision_no,
        ten_thu_tuc=procedure.name,
        ten_ngan=procedure.short_name,
        ten_goi_khac=list(procedure.aliases),
        tinh_huong=list(procedure.situations or []),
        su_kien=list(procedure.life_events or []),  # type: ignore[arg-type]
        linh_vuc=procedure.field,
        loai_thu_tuc=procedure.procedure_type,
        cap_thuc_hien=list(procedure.levels),  # type: ignore[arg-type]
        doi_tuong_thuc_hien=list(procedure.subjects),
        co_quan=Agencies(
            co_tham_quyen=procedure.agency_competent,
            thuc_hien=procedure.agency_executing,
            duoc_uy_quyen=procedure.agency_delegated,
            phoi_hop=procedure.agency_coordinating,
            dia_chi_tiep_nhan=procedure.submission_address,
        ),
        trinh_tu_thuc_hien=list(procedure.steps),
        cach_thuc_thuc_hien=[
            ChannelRecord(
                hinh_thuc=c.kind,  # type: ignore[arg-type]
                thoi_han=TimeLimit(
                    gia_tri=c.time_value,
                    don_vi=c.time_unit,  # type: ignore[arg-type]
                    nguyen_van=c.time_text,
                )
                if (c.time_value is not None or c.time_unit or c.time_text)
                else None,
                phi_le_phi=[
                    FeeRecord(
                        loai=f.kind,  # type: ignore[arg-type]
                        so_tien_vnd=f.amount_vnd,
                        nguyen_van=f.text,
                        mien_giam=f.exemption,
                        can_cu=f.basis,
                        ap_dung_den=f.valid_until,
                    )
                    for f in c.fees
                ],
                mo_ta=c.description,
            )
            for c in procedure.channels
        ],
        thanh_phan_ho_so=[
            DocumentRecord(
                ten_giay_to=d.name,
                truong_hop=d.case,
                so_ban_chinh=d.originals,
                so_ban_sao=d.copies,
                mau_don=FormTemplate(ten=d.form_name, url=d.form_url) if d.form_name else None,
            )
            for d in procedure.documents
        ],
        so_bo_ho_so=procedure.dossier_sets,
        yeu_cau_dieu_kien=procedure.requirements,
        ket_qua_thuc_hien=list(procedure.results),
        can_cu_phap_ly=[
            LegalBasisRecord(so_ky_hieu=b.number, trich_yeu=b.summary, ngay_ban_hanh=b.issued_on)
            for b in procedure.legal_bases
        ],
        thu_tuc_lien_quan=list(procedure.related_codes),
        dvc_truc_tuyen=OnlineService(
            muc_do=procedure.online_level,  # type: ignore[arg-type]
            muc_do_cu_1_4=procedure.online_level_legacy,
            url_nop=procedure.online_url,
        ),
        dia_ban=Area(ma_tinh_H=procedure.province_code, ten_tinh=procedure.province_name),
        hieu_luc=Validity(
            trang_thai=procedure.validity,  # type: ignore[arg-type]
            tu_ngay=procedure.effective_from,
            den_ngay=procedure.effective_to,
            thay_the_boi=procedure.replaced_by,
        ),
        nguon=Source(
            url=procedure.source_url,
            ngay_thu_thap=procedure.source_collected_on,
            sha256=procedure.source_sha256,
            ghi_chu=procedure.source_note,
        ),
        cap_nhat_luc=procedure.updated_at,
    )
