"""The seed knowledge base: the catalog's 45 procedures merged with the national portal's
243 most used others (one procedure, one record), everyday words and life events for every
one, unknowns left null, idempotent."""

from __future__ import annotations

import json
from importlib import resources

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from trolyao.kb.life_events import LIFE_EVENT_KEYS
from trolyao.kb.models import Dossier, Procedure
from trolyao.kb.portal import merge_known
from trolyao.kb.records import to_record
from trolyao.kb.repository import current_revision, get_procedure
from trolyao.kb.seed import everyday_words, load_seed_records, seed_all

# The catalog's names and national codes (None where neither the catalog nor its related
# portal records give one: a catalog entry without a code takes its first related code).
CATALOG = {
    "Đăng ký khai sinh": "1.001193",
    "Đăng ký kết hôn": "1.000894",
    "Đăng ký khai tử": "1.000656",
    "Đăng ký lại khai sinh": "1.004884",
    "Cấp bản sao trích lục hộ tịch": "2.000635",
    "Cấp Giấy xác nhận tình trạng hôn nhân": "1.004873",
    "Đăng ký nhận cha, mẹ, con": "1.001022",
    "Đăng ký giám hộ": "1.004837",
    "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch": "1.000881",
    "Đăng ký kết hôn có yếu tố nước ngoài": "2.000806",
    "Đăng ký khai sinh có yếu tố nước ngoài": "2.000528",
    "Đăng ký lại khai tử": "1.005461",
    "Đăng ký việc nuôi con nuôi trong nước": "2.001263",
    "Chứng thực bản sao từ bản chính": "2.000815",
    "Chứng thực chữ ký": "2.000884",
    "Chứng thực di chúc": "2.001019",
    "Đăng ký thường trú": "1.004222",
    "Đăng ký tạm trú": "1.004194",
    "Gia hạn tạm trú": "1.002755",
    "Tách hộ": "1.010038",
    "Xóa đăng ký thường trú": "1.003197",
    "Khai báo tạm vắng": "1.003677",
    "Xác nhận thông tin về cư trú": "1.010041",
    "Thông báo lưu trú": "2.001159",
    "Cấp thẻ căn cước": "2.000200",
    "Cấp lại thẻ căn cước": "2.001194",
    "Đăng ký tài khoản định danh điện tử mức độ 2": None,
    "Cấp hộ chiếu phổ thông trong nước": "1.001456",
    "Trình báo mất hộ chiếu phổ thông": "1.010386",
    "Cấp Phiếu lý lịch tư pháp": "3.000333",
    "Cấp giấy phép lái xe": "3.000346",
    "Đổi giấy phép lái xe": "3.000347",
    "Cấp lại giấy phép lái xe": "3.000348",
    "Đăng ký xe lần đầu": "1.012575",
    "Đăng ký xe tạm thời": "1.013083",
    "Đăng ký thành lập hộ kinh doanh": "1.001612",
    "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh": "2.000720",
    "Tạm ngừng hoạt động hộ kinh doanh": "1.001570",
    "Chấm dứt hoạt động hộ kinh doanh": "1.001266",
    "Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh": "2.000575",
    "Đăng ký đất đai và cấp Giấy chứng nhận quyền sử dụng đất lần đầu": None,
    "Hòa giải tranh chấp đất đai": "1.013967",
    "Cấp giấy phép xây dựng nhà ở riêng lẻ": "1.013225",
    "Cấp thẻ bảo hiểm y tế": "1.014137",
    "Xác định mức độ khuyết tật": "1.001699",
}


# the catalog, and the portal's records of procedures it does not hold; five catalog
# entries without a code are the portal's records of the same procedure, merged
SEEDED = 45 + 243 - 5


def test_seed_keeps_the_catalog_names_and_codes_and_adds_the_portals() -> None:
    records = load_seed_records()
    names = {r.ten_thu_tuc: r.ma_thu_tuc for r in records}
    assert {name: names.get(name) for name in CATALOG} == CATALOG
    assert len(records) == SEEDED
    codes = [r.ma_thu_tuc for r in records if r.ma_thu_tuc]
    assert len(codes) == len(set(codes))


def test_a_merged_procedure_keeps_the_catalogs_words_beside_the_official_name() -> None:
    birth = next(r for r in load_seed_records() if r.ma_thu_tuc == "1.001193")
    assert birth.ten_thu_tuc == "Đăng ký khai sinh"
    assert "làm giấy khai sinh" in birth.ten_goi_khac
    assert "Thủ tục đăng ký khai sinh" in birth.ten_goi_khac  # the portal's official name
    assert "vừa sinh con" in birth.tinh_huong
    assert birth.dia_ban.ten_tinh == "Lạng Sơn"
    assert birth.nguon.sha256 and birth.nguon.url
    assert birth.nguon.url.startswith("https://dichvucong.gov.vn/")


def test_every_seed_record_carries_its_source_note() -> None:
    for record in load_seed_records():
        if record.ten_thu_tuc != "Đăng ký đất đai và cấp Giấy chứng nhận quyền sử dụng đất lần đầu":
            assert record.nguon.ghi_chu, record.ten_thu_tuc
        if record.ma_thu_tuc:
            assert record.nguon.url
            # a catalog-only record names its code in the URL; a portal one keeps its hash
            assert record.ma_thu_tuc in record.nguon.url or record.nguon.sha256


def test_seeded_database_has_all_procedures(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session:
        rows = dict(session.execute(select(Procedure.name, Procedure.code)).all())
    assert {name: rows.get(name) for name in CATALOG} == CATALOG
    assert len(rows) == SEEDED


def test_catalog_facts_are_stored_on_the_right_channel(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session:
        passport = to_record(get_procedure(session, "cap-ho-chieu-pho-thong-trong-nuoc"))
        temporary = to_record(get_procedure(session, "1.013083"))
        residence = to_record(get_procedure(session, "1.004222"))
    # the national record's facts: in person 200,000 (400,000 to replace a lost one)
    in_person = next(c for c in passport.cach_thuc_thuc_hien if c.hinh_thuc == "truc_tiep")
    assert [f.so_tien_vnd for f in in_person.phi_le_phi] == [200_000]
    assert "400.000" in in_person.phi_le_phi[0].nguyen_van  # the case, kept word for word
    online = next(c for c in passport.cach_thuc_thuc_hien if c.hinh_thuc == "truc_tuyen")
    assert online.phi_le_phi[0].ap_dung_den is not None  # the reduced fee had an end
    assert passport.dvc_truc_tuyen.muc_do == "toan_trinh"
    channel = temporary.cach_thuc_thuc_hien[0]
    assert channel.hinh_thuc == "truc_tuyen"
    assert channel.thoi_han is not None
    assert (channel.thoi_han.gia_tri, channel.thoi_han.don_vi) == (8, "gio")
    assert residence.cach_thuc_thuc_hien[0].thoi_han.gia_tri == 7  # type: ignore[union-attr]
    assert residence.dvc_truc_tuyen.muc_do == "mot_phan"


def test_unknown_facts_stay_null_never_invented(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session:
        guardianship = to_record(get_procedure(session, "1.000881"))  # not in the portal file
        land = to_record(
            get_procedure(
                session, "dang-ky-dat-dai-va-cap-giay-chung-nhan-quyen-su-dung-dat-lan-dau"
            )
        )
    for record in (guardianship, land):
        assert record.cach_thuc_thuc_hien == []
        assert record.thanh_phan_ho_so == []
        assert record.dvc_truc_tuyen.muc_do is None
        assert record.dvc_truc_tuyen.url_nop is None
        assert record.co_quan.thuc_hien is None
        assert record.yeu_cau_dieu_kien is None
    assert land.ma_thu_tuc is None
    assert land.nguon.url is None


def test_seeding_twice_changes_nothing(engine: Engine) -> None:
    with Session(engine) as session:
        revision = current_revision(session)
    with Session(engine) as session, session.begin():
        report = seed_all(session)
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, SEEDED)
    assert report.dossiers_inserted == 0
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Procedure)) == SEEDED
        assert session.scalar(select(func.count()).select_from(Dossier)) == 5
        assert current_revision(session) == revision


def test_seeding_keeps_an_admins_edit(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        get_procedure(session, "1.001193").requirements = "Điều kiện do quản trị viên cập nhật"
    with Session(engine) as session, session.begin():
        seed_all(session)
    with Session(engine) as session:
        assert (
            get_procedure(session, "1.001193").requirements == "Điều kiện do quản trị viên cập nhật"
        )


def test_overwrite_restores_the_seed_record(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        get_procedure(session, "1.001193").requirements = "sai"
    with Session(engine) as session, session.begin():
        report = seed_all(session, overwrite=True)
    assert report.updated == SEEDED
    with Session(engine) as session:
        birth = get_procedure(session, "1.001193")
        assert birth.requirements is None
        assert any(d.name.startswith("Giấy chứng sinh") for d in birth.documents)


def test_demo_dossiers_point_at_their_procedures(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session:
        dossiers = session.scalars(select(Dossier)).all()
        assert len(dossiers) == 5
        assert all(d.procedure_id is not None for d in dossiers)
        assert {d.status for d in dossiers} >= {"dang_xu_ly", "da_tra_ket_qua"}


def test_a_catalog_entry_and_its_national_record_are_one_procedure() -> None:
    records = load_seed_records()
    passport = [
        r
        for r in records
        if "hộ chiếu phổ thông ở trong nước" in r.ten_thu_tuc.lower() or r.ma_thu_tuc == "1.001456"
    ]
    assert len(passport) == 1
    merged = passport[0]
    assert merged.ten_thu_tuc == "Cấp hộ chiếu phổ thông trong nước"  # our name stays
    assert merged.ma_noi_bo == "cap-ho-chieu-pho-thong-trong-nuoc"  # the old key still works
    assert "làm hộ chiếu" in merged.ten_goi_khac  # our words stay
    assert merged.thanh_phan_ho_so  # the national record's facts come in
    names = [r.ten_thu_tuc for r in records]
    assert len(names) == len(set(names))


def test_every_seeded_procedure_has_everyday_words_a_short_name_and_life_events() -> None:
    words = everyday_words()
    for record in load_seed_records():
        assert record.ten_ngan, record.ten_thu_tuc
        assert len(record.ten_goi_khac) + len(record.tinh_huong) >= 3, record.ten_thu_tuc
        assert record.su_kien and set(record.su_kien) <= set(LIFE_EVENT_KEYS), record.ten_thu_tuc
        assert record.ma_thu_tuc in words or record.ma_noi_bo in words, record.ten_thu_tuc


def test_short_names_tell_every_procedure_apart() -> None:
    shorts = [r.ten_ngan for r in load_seed_records()]
    assert len(shorts) == len(set(shorts))


def test_the_everyday_words_name_only_seeded_procedures() -> None:
    keys = {k for r in load_seed_records() for k in (r.ma_thu_tuc, r.ma_noi_bo) if k}
    assert set(everyday_words()) <= keys


def test_everyday_words_come_after_the_catalogs_own() -> None:
    raw = json.loads(
        resources.files("trolyao.kb.data").joinpath("procedures.json").read_text("utf-8")
    )
    ours = next(item for item in raw if item.get("ma_thu_tuc") == "1.001193")
    birth = next(r for r in load_seed_records() if r.ma_thu_tuc == "1.001193")
    added = everyday_words()["1.001193"]
    assert birth.ten_goi_khac[: len(ours["ten_goi_khac"])] == ours["ten_goi_khac"]
    assert set(added["tinh_huong"]) <= set(birth.tinh_huong)
    assert len(birth.tinh_huong) == len(set(birth.tinh_huong))


def test_a_merged_record_keeps_the_catalogs_facts_that_the_portal_lacks() -> None:
    by_key = {r.ma_noi_bo: r for r in load_seed_records() if r.ma_noi_bo}
    card = by_key["cap-the-can-cuoc"].cach_thuc_thuc_hien  # the portal states no fee
    assert [c.hinh_thuc for c in card][:2] == ["truc_tuyen", "truc_tiep"]
    assert "Cấp lần đầu miễn phí" in [f.nguyen_van for c in card for f in c.phi_le_phi]
    record = by_key["cap-phieu-ly-lich-tu-phap"].cach_thuc_thuc_hien
    texts = [f.nguyen_van for c in record for f in c.phi_le_phi]
    assert any(t.startswith("Thực hiện theo Thông tư số 244/2016") for t in texts)  # theirs
    assert any(t.startswith("200.000 đồng; 100.000 đồng cho sinh viên") for t in texts)  # ours
    said = [c.thoi_han.nguyen_van for c in record if c.thoi_han]
    assert "10 ngày (tối đa 15 ngày khi cần xác minh)" in said  # the case stays
    passport = by_key["cap-ho-chieu-pho-thong-trong-nuoc"].cach_thuc_thuc_hien
    assert [c.hinh_thuc for c in passport] == ["truc_tuyen", "buu_chinh", "truc_tiep"]


def test_merging_channels_adds_only_what_is_missing_and_again_nothing() -> None:
    portal = {
        "ten_thu_tuc": "Thủ tục thử",
        "linh_vuc": "Thử",
        "cach_thuc_thuc_hien": [
            {
                "hinh_thuc": "truc_tiep",
                "thoi_han": {
                    "gia_tri": 7,
                    "don_vi": "ngay_lam_viec",
                    "nguyen_van": "7 Ngày làm việc",
                },
                "phi_le_phi": [{"so_tien_vnd": None, "nguyen_van": "Theo quy định"}],
            }
        ],
    }
    ours = [
        {
            "hinh_thuc": None,
            "thoi_han": {"gia_tri": 7, "don_vi": "ngay_lam_viec", "nguyen_van": "07 ngày làm việc"},
            "phi_le_phi": [{"so_tien_vnd": 0, "nguyen_van": "Miễn phí"}],
        },
        {"hinh_thuc": "buu_chinh", "phi_le_phi": [{"so_tien_vnd": 0, "nguyen_van": "Miễn phí"}]},
    ]
    merged = merge_known({"ten_thu_tuc": "Thử", "cach_thuc_thuc_hien": ours}, portal)
    channels = merged["cach_thuc_thuc_hien"]
    assert [c["hinh_thuc"] for c in channels] == ["truc_tiep", None, "buu_chinh"]
    assert channels[1]["thoi_han"] is None  # "07 ngày làm việc" is what the portal says
    assert channels[1]["phi_le_phi"] == [{"so_tien_vnd": 0, "nguyen_van": "Miễn phí"}]
    again = merge_known({"ten_thu_tuc": "Thử", "cach_thuc_thuc_hien": channels}, portal)
    assert again["cach_thuc_thuc_hien"] == channels
