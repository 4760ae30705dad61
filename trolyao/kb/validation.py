"""What an admin edits and how it is checked: the editable record, its validation with
every bad field named in Vietnamese, and the stored form of a record."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, ValidationError

from trolyao.errors import InvalidRecord
from trolyao.kb.records import ProcedureRecord

ADMIN_FIELDS = ("status", "version", "ghi_chu_thay_doi", "cap_nhat_luc", "cap_nhat_boi",
                "phien_ban_dang_ap_dung")  # fmt: skip


class EditableRecord(ProcedureRecord):
    """What an admin edits: the record, its publication status, and the version it was
    based on. ``GET /api/admin/procedures/{code}`` returns it; ``PUT`` takes it back."""

    status: Literal["draft", "published", "retired"] = "draft"
    version: int | None = Field(default=None, ge=0, le=1_000_000)
    ghi_chu_thay_doi: str | None = Field(default=None, max_length=500)
    # Read-only (returned by GET, ignored by PUT):
    cap_nhat_luc: dt.datetime | None = None
    cap_nhat_boi: str | None = Field(default=None, max_length=64)
    phien_ban_dang_ap_dung: int | None = None


class KeyMismatch(InvalidRecord):
    """The record's code does not match the address it was sent to."""


def field_errors(error: ValidationError) -> list[dict[str, str]]:
    """Pydantic errors as ``[{"field": "a.0.b", "message": ...}]``."""
    return [
        {
            "field": ".".join(str(p) for p in item["loc"]) or "_",
            "message": _vietnamese(item),
        }
        for item in error.errors(include_url=False)
    ]


_MESSAGES = {
    "missing": "Bắt buộc phải có.",
    "extra_forbidden": "Trường không có trong mẫu hồ sơ thủ tục.",
    "string_too_long": "Quá dài (tối đa {max_length} ký tự).",
    "string_too_short": "Không được để trống.",
    "string_pattern_mismatch": "Sai định dạng.",
    "too_long": "Quá nhiều mục (tối đa {max_length}).",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "literal_error": "Giá trị không hợp lệ; chọn một trong: {expected}.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "float_parsing": "Phải là số.",
    "date_from_datetime_parsing": "Phải là ngày dạng YYYY-MM-DD.",
    "date_parsing": "Phải là ngày dạng YYYY-MM-DD.",
    "list_type": "Phải là một danh sách.",
    "string_type": "Phải là chuỗi ký tự.",
    "model_type": "Phải là một đối tượng.",
    "dict_type": "Phải là một đối tượng.",
}


def _vietnamese(item: Any) -> str:
    template = _MESSAGES.get(item.get("type", ""))
    if template is None:
        return str(item.get("msg", "Không hợp lệ."))
    try:
        return template.format(**(item.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


def validate(data: Any) -> EditableRecord:
    """The editable record in ``data``, or :class:`InvalidRecord` naming every bad field."""
    if not isinstance(data, dict):
        raise InvalidRecord(
            "Dữ liệu phải là một đối tượng JSON.",
            [{"field": "_", "message": "Phải là một đối tượng."}],
        )
    try:
        return EditableRecord.model_validate(data)
    except ValidationError as exc:
        raise InvalidRecord("Hồ sơ thủ tục chưa hợp lệ.", field_errors(exc)) from exc


def record_json(record: ProcedureRecord) -> dict[str, Any]:
    """The stored form of a record: the national shape only, JSON types."""
    plain = ProcedureRecord.model_validate(
        record.model_dump(exclude=set(ADMIN_FIELDS) | {"cap_nhat_luc"})
    )
    return plain.model_dump(mode="json")
