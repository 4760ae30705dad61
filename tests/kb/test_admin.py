"""Knowledge-base administration API: the editable-record contract, drafts and publishing,
versions, diff and rollback, optimistic concurrency, validation, audit, roles, users."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.support.staff import PASSWORD, staff_client
from tests.support.staff import bearer as auth
from trolyao.audit import AuditEntry

# A procedure the national-portal file does not cover: no fee, no channel, in the seed.
CAI_CHINH = "1.000881"


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with staff_client(engine) as client:
        yield client


def with_fee(record: dict[str, Any], amount: int, text: str) -> dict[str, Any]:
    changed = copy.deepcopy(record)
    changed["cach_thuc_thuc_hien"] = [
        {
            "hinh_thuc": "truc_tiep",
            "thoi_han": {"gia_tri": 3, "don_vi": "ngay_lam_viec", "nguyen_van": None},
            "phi_le_phi": [{"loai": "le_phi", "so_tien_vnd": amount, "nguyen_van": text}],
        }
    ]
    return changed


def public_fee(client: TestClient, code: str) -> Any:
    response = client.get(f"/api/procedures/{code}")
    if response.status_code != 200:
        return response.status_code
    channels = response.json()["cach_thuc_thuc_hien"]
    return channels[0]["phi_le_phi"][0]["nguyen_van"] if channels else None


def test_get_then_put_the_same_json_saves_a_new_version(client: TestClient) -> None:
    headers = auth(client, "bientap")
    got = client.get(f"/api/admin/procedures/{CAI_CHINH}", headers=headers)
    assert got.status_code == 200
    record = got.json()
    assert (record["ma_thu_tuc"], record["status"], record["version"]) == (
        CAI_CHINH,
        "published",
        1,
    )
    assert got.headers["etag"] == '"1"'
    put = client.put(f"/api/admin/procedures/{CAI_CHINH}", json=record, headers=headers)
    assert put.status_code == 200, put.text
    assert put.json()["version"] == 2
    assert put.json()["cap_nhat_boi"] == "bientap"
    history = client.get(f"/api/admin/procedures/{CAI_CHINH}/versions", headers=headers).json()
    assert [(v["version"], v["status"], v["live"]) for v in history["items"]] == [
        (2, "published", True),
        (1, "published", False),
    ]


def test_a_draft_stays_invisible_until_published(client: TestClient) -> None:
    headers = auth(client, "bientap")
    record = client.get(f"/api/admin/procedures/{CAI_CHINH}", headers=headers).json()
    draft = {**with_fee(record, 25_000, "Lệ phí 25.000 đồng"), "status": "draft"}
    saved = client.put(f"/api/admin/procedures/{CAI_CHINH}", json=draft, headers=headers)
    assert saved.status_code == 200 and saved.json()["status"] == "draft"
    assert public_fee(client, CAI_CHINH) is None  # citizens still see the published one
    assert client.get(f"/api/admin/procedures/{CAI_CHINH}", headers=headers).json()["status"] == (
        "draft"
    )
    published = client.post(
        f"/api/admin/procedures/{CAI_CHINH}/publish", json={"version": 2}, headers=headers
    )
    assert published.status_code == 200, published.text
    assert published.json()["version"] == 3
    assert public_fee(client, CAI_CHINH) == "Lệ phí 25.000 đồng"


def test_published_goes_live_at_once_and_search_sees_new_names(client: TestClient) -> None:
    headers = auth(client, "bientap")
    record = client.get(f"/api/admin/procedures/{CAI_CHINH}", headers=headers).json()
    record = with_fee(record, 30_000, "30.000 đồng")
    record["ten_goi_khac"] = [*record["ten_goi_khac"], "nhận nuôi dưỡng người chưa thành niên"]
    record["status"] = "published"
    assert (
        client.put(f"/api/admin/procedures/{CAI_CHINH}", json=record, headers=headers).status_code
        == 200
    )
    assert public_fee(client, CAI_CHINH) == "30.000 đồng"
    found = client.get(
        "/api/procedures/search", params={"q": "nhan nuoi duong nguoi chua thanh nien"}
    ).json()
    assert found["items"][0]["code"] == CAI_CHINH


def test_two_editors_never_overwrite_each_other(client: TestClient) -> None:
    first, second = auth(client, "bientap"), auth(client, "quantri")
    a = client.get(f"/api/admin/procedures/{CAI_CHINH}", headers=first).json()
    b = client.get(f"/api/admin/procedures/{CAI_CHINH}", headers=second).json()
    assert (
        client.put(
            f"/api/admin/procedures/{CAI_CHINH}", json=with_fee(a, 1, "một đồng"), headers=first
        ).status_code
        == 200
    )
    late = client.put(
        f"/api/admin/procedures/{CAI_CHINH}", json=with_fee(b, 2, "hai đồng"), headers=second
    )
    assert late.status_code == 409
    assert late.json()["current_version"] == 2 and late.json()["updated_by"] == "bientap"
    assert public_fee(client, CAI_CHINH) == "một đồng"
    # If-Match works too, and a missing version is refused rather than guessed
    unversioned = {k: v for k, v in b.items() if k != "version"}
    assert (
        client.put(
            f"/api/admin/procedures/{CAI_CHINH}", json=unversioned, headers=second
        ).status_code
        == 428
    )
    ok = client.put(
        f"/api/admin/procedures/{CAI_CHINH}",
        json=with_fee(unversioned, 2, "hai đồng"),
        headers={**second, "If-Match": '"2"'},
    )
    assert ok.status_code == 200 and ok.json()["version"] == 3


def test_diff_and_rollback(client: TestClient) -> None:
    headers = auth(client, "quantri")
    v1 = client.get(f"/api/admin/procedures/{CAI_CHINH}", headers=headers).json()
    client.put(
        f"/api/admin/procedures/{CAI_CHINH}",
        json=with_fee(v1, 40_000, "40.000 đồng"),
        headers=headers,
    )
    changes = client.get(
        f"/api/admin/procedures/{CAI_CHINH}/diff", params={"from": 1, "to": 2}, headers=headers
    ).json()["changes"]
    paths = {c["path"]: (c["before"], c["after"]) for c in changes}
    assert paths["cach_thuc_thuc_hien.0.phi_le_phi.0.so_tien_vnd"] == (None, 40_000)
    back = client.post(
        f"/api/admin/procedures/{CAI_CHINH}/rollback",
        json={"version": 2, "to_version": 1},
        headers=headers,
    )
    assert back.status_code == 200, back.text
    assert back.json()["version"] == 3 and back.json()["cach_thuc_thuc_hien"] == []
    assert public_fee(client, CAI_CHINH) is None
    stale = client.post(
        f"/api/admin/procedures/{CAI_CHINH}/rollback",
        json={"version": 2, "to_version": 1},
        headers=headers,
    )
    assert stale.status_code == 409


def test_retire_and_restore(client: TestClient) -> None:
    headers = auth(client, "bientap")
    gone = client.post(
        f"/api/admin/procedures/{CAI_CHINH}/retire", json={"version": 1}, headers=headers
    )
    assert gone.status_code == 200 and gone.json()["status"] == "retired"
    assert client.get(f"/api/procedures/{CAI_CHINH}").status_code == 404
    search = client.get(
        "/api/procedures/search", params={"q": "cải chính thông tin hộ tịch"}
    ).json()
    assert all(i["code"] != CAI_CHINH for i in search["items"])
    listed = client.get("/api/admin/procedures", params={"status": "retired"}, headers=headers)
    assert [i["code"] for i in listed.json()["items"]] == [CAI_CHINH]
    back = client.post(
        f"/api/admin/procedures/{CAI_CHINH}/restore", json={"version": 2}, headers=headers
    )
    assert back.status_code == 200 and back.json()["status"] == "published"
    assert client.get(f"/api/procedures/{CAI_CHINH}").status_code == 200


def test_create_a_procedure_as_draft_then_publish(client: TestClient) -> None:
    headers = auth(client, "bientap")
    new = {
        "ma_thu_tuc": "1.099999",
        "ten_thu_tuc": "Cấp giấy phép nuôi ong mật",
        "linh_vuc": "Nông nghiệp",
        "status": "draft",
    }
    created = client.post("/api/admin/procedures", json=new, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1
    assert client.get("/api/procedures/1.099999").status_code == 404
    listed = client.get("/api/admin/procedures", params={"q": "nuoi ong"}, headers=headers).json()
    assert [(i["code"], i["status"], i["has_draft"]) for i in listed["items"]] == [
        ("1.099999", "draft", True)
    ]
    again = client.post("/api/admin/procedures", json=new, headers=headers)
    assert again.status_code == 422  # the code exists
    client.post("/api/admin/procedures/1.099999/publish", json={"version": 1}, headers=headers)
    assert (
        client.get("/api/procedures/1.099999").json()["ten_thu_tuc"] == "Cấp giấy phép nuôi ong mật"
    )
    # PUT at a new address creates it, when the record carries that code
    put_new = client.put(
        "/api/admin/procedures/1.099998",
        json={**new, "ma_thu_tuc": "1.099998", "status": "published"},
        headers=headers,
    )
    assert put_new.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ten_thu_tuc": ""}, "ten_thu_tuc"),
        ({"ten_thu_tuc": "x" * 501}, "ten_thu_tuc"),
        ({"ma_thu_tuc": "1.004838"}, "ma_thu_tuc"),
        ({"mau_sac": "đỏ"}, "mau_sac"),
        ({"status": "live"}, "status"),
        ({"dvc_truc_tuyen": {"url_nop": "javascript:alert(1)"}}, "dvc_truc_tuyen.url_nop"),
        (
            {"cach_thuc_thuc_hien": [{"phi_le_phi": [{"so_tien_vnd": -5, "nguyen_van": "x"}]}]},
            "cach_thuc_thuc_hien.0.phi_le_phi.0.so_tien_vnd",
        ),
        (
            {"thanh_phan_ho_so": [{"ten_giay_to": "a", "so_ban_chinh": "hai"}]},
            "thanh_phan_ho_so.0.so_ban_chinh",
        ),
        ({"hieu_luc": {"tu_ngay": "31/12/2026"}}, "hieu_luc.tu_ngay"),
    ],
)
def test_validation_names_the_field(client: TestClient, change: dict[str, Any], field: str) -> None:
    headers = auth(client, "bientap")
    record = client.get(f"/api/admin/procedures/{CAI_CHINH}", headers=headers).json()
    response = client.put(
        f"/api/admin/procedures/{CAI_CHINH}", json={**record, **change}, headers=headers
    )
    assert response.status_code == 422, response.text
    fields = [e["field"] for e in response.json()["errors"]]
    assert field in fields
    assert all(e["message"] for e in response.json()["errors"])
    assert client.get(f"/api/admin/procedures/{CAI_CHINH}", headers=headers).json()["version"] == 1


def test_bad_bodies_are_clear_4xx(client: TestClient) -> None:
    headers = auth(client, "bientap")
    for body in ([], "text", None, {"ten_thu_tuc": "\u200b"}):
        response = client.put(f"/api/admin/procedures/{CAI_CHINH}", json=body, headers=headers)
        assert 400 <= response.status_code < 500, (body, response.text)
    assert client.get("/api/admin/procedures/khong-co", headers=headers).status_code == 404
    hostile = client.get("/api/admin/procedures/1.0'; DROP TABLE procedures;--", headers=headers)
    assert hostile.status_code in (404, 422)


def test_preview_shows_the_bots_answer_before_saving(client: TestClient) -> None:
    headers = auth(client, "bientap")
    record = client.get(f"/api/admin/procedures/{CAI_CHINH}", headers=headers).json()
    unknown = client.post(
        "/api/admin/preview", json={"record": record, "attribute": "fee"}, headers=headers
    )
    assert "chưa có thông tin chính thức" in unknown.json()["text"]
    edited = with_fee(record, 15_000, "Lệ phí 15.000 đồng")
    shown = client.post(
        "/api/admin/preview", json={"record": edited, "attribute": "fee"}, headers=headers
    )
    assert shown.status_code == 200
    assert (
        "Lệ phí 15.000 đồng" in shown.json()["text"]
        and "Đăng ký thay đổi, cải chính" in shown.json()["text"]
    )
    assert public_fee(client, CAI_CHINH) is None  # nothing was saved


def test_the_audit_log_says_who_did_what(client: TestClient, engine: Engine) -> None:
    headers = auth(client, "bientap")
    record = client.get(f"/api/admin/procedures/{CAI_CHINH}", headers=headers).json()
    client.put(
        f"/api/admin/procedures/{CAI_CHINH}", json=with_fee(record, 5, "5 đồng"), headers=headers
    )
    log = client.get(
        "/api/admin/audit", params={"target": CAI_CHINH}, headers=auth(client, "quantri")
    )
    (entry,) = log.json()["items"]
    assert (entry["username"], entry["action"], entry["version"]) == ("bientap", "publish", 2)
    assert entry["detail"]["fields"] == ["cach_thuc_thuc_hien"]
    with Session(engine) as session:
        assert (
            session.scalar(select(AuditEntry.at).where(AuditEntry.target == CAI_CHINH)) is not None
        )


def test_users_and_roles_are_managed_by_admins(client: TestClient) -> None:
    admin = auth(client, "quantri")
    made = client.post(
        "/api/admin/users",
        json={"username": "bientap2", "role": "editor", "password": PASSWORD},
        headers=admin,
    )
    assert made.status_code == 201 and made.json()["role"] == "editor"
    assert (
        client.post(
            "/api/admin/users",
            json={"username": "bientap2", "role": "editor", "password": PASSWORD},
            headers=admin,
        ).status_code
        == 422
    )
    new = auth(client, "bientap2")
    assert client.get("/api/admin/procedures", headers=new).status_code == 200
    assert (
        client.patch(
            "/api/admin/users/bientap2", json={"role": "official"}, headers=admin
        ).status_code
        == 200
    )
    assert client.get("/api/admin/procedures", headers=new).status_code == 401  # signed out
    assert (
        client.patch("/api/admin/users/quantri", json={"role": "editor"}, headers=admin).status_code
        == 422
    )
    names = [u["username"] for u in client.get("/api/admin/users", headers=admin).json()["items"]]
    assert names == ["bientap", "bientap2", "canbo", "quantri"]


ENDPOINTS = [
    ("GET", "/api/admin/procedures", None, "editor"),
    ("POST", "/api/admin/procedures", {"ten_thu_tuc": "x", "linh_vuc": "y"}, "editor"),
    ("GET", f"/api/admin/procedures/{CAI_CHINH}", None, "editor"),
    ("PUT", f"/api/admin/procedures/{CAI_CHINH}", {}, "editor"),
    ("POST", f"/api/admin/procedures/{CAI_CHINH}/publish", {"version": 1}, "editor"),
    ("POST", f"/api/admin/procedures/{CAI_CHINH}/retire", {"version": 1}, "editor"),
    ("POST", f"/api/admin/procedures/{CAI_CHINH}/restore", {"version": 1}, "editor"),
    (
        "POST",
        f"/api/admin/procedures/{CAI_CHINH}/rollback",
        {"version": 1, "to_version": 1},
        "editor",
    ),
    ("GET", f"/api/admin/procedures/{CAI_CHINH}/versions", None, "editor"),
    ("GET", f"/api/admin/procedures/{CAI_CHINH}/versions/1", None, "editor"),
    ("GET", f"/api/admin/procedures/{CAI_CHINH}/diff?from=1&to=1", None, "editor"),
    ("POST", "/api/admin/preview", {"record": {}}, "editor"),
    ("GET", "/api/admin/export", None, "editor"),
    ("POST", "/api/admin/import", None, "editor"),
    ("GET", "/api/admin/audit", None, "admin"),
    ("GET", "/api/admin/users", None, "admin"),
    ("POST", "/api/admin/users", {}, "admin"),
    ("PATCH", "/api/admin/users/bientap", {}, "admin"),
]


@pytest.mark.parametrize(("method", "path", "body", "least"), ENDPOINTS)
def test_every_admin_endpoint_rejects_a_missing_or_wrong_role(
    client: TestClient, method: str, path: str, body: Any, least: str
) -> None:
    kwargs: dict[str, Any] = {} if body is None else {"json": body}
    assert client.request(method, path, **kwargs).status_code == 401
    assert (
        client.request(method, path, headers={"Authorization": "Bearer x"}, **kwargs).status_code
        == 401
    )
    assert client.request(method, path, headers=auth(client, "canbo"), **kwargs).status_code == 403
    editor = client.request(method, path, headers=auth(client, "bientap"), **kwargs)
    if least == "admin":
        assert editor.status_code == 403
    else:
        assert editor.status_code not in (401, 403)


def test_texts_are_sanitised_before_they_are_stored(client: TestClient) -> None:
    headers = auth(client, "bientap")
    record = client.get(f"/api/admin/procedures/{CAI_CHINH}", headers=headers).json()
    record["yeu_cau_dieu_kien"] = "Có\u200b giấy\u202e tờ\x00 hợp lệ\r\ndòng hai"
    record["ten_goi_khac"] = ["giam\u200dho", "Người giám hộ"]
    saved = client.put(f"/api/admin/procedures/{CAI_CHINH}", json=record, headers=headers).json()
    assert saved["yeu_cau_dieu_kien"] == "Có giấy tờ hợp lệ\ndòng hai"
    assert saved["ten_goi_khac"] == ["giamho", "Người giám hộ"]
    public = client.get(f"/api/procedures/{CAI_CHINH}").json()
    assert public["yeu_cau_dieu_kien"] == "Có giấy tờ hợp lệ\ndòng hai"


def test_effective_dates_decide_what_search_offers(client: TestClient) -> None:
    import datetime as dt

    headers = auth(client, "bientap")
    today = dt.datetime.now(dt.timezone.utc).date()

    def found() -> bool:
        result = client.get(
            "/api/procedures/search", params={"q": "cải chính thông tin hộ tịch"}
        ).json()
        return any(item["code"] == CAI_CHINH for item in result["items"])

    assert found()
    for dates, expected in (
        ({"tu_ngay": str(today + dt.timedelta(days=10))}, False),  # not yet in force
        ({"den_ngay": str(today - dt.timedelta(days=1))}, False),  # expired
        ({"tu_ngay": str(today - dt.timedelta(days=1)), "den_ngay": str(today)}, True),
    ):
        record = client.get(f"/api/admin/procedures/{CAI_CHINH}", headers=headers).json()
        record["hieu_luc"] = {"trang_thai": "dang_ap_dung", **dates}
        saved = client.put(f"/api/admin/procedures/{CAI_CHINH}", json=record, headers=headers)
        assert saved.status_code == 200, saved.text
        assert found() is expected, dates
