"""CSV exports for officials (the conversation list and the plan report): UTF-8 with a
BOM, cells never run as formulas."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from trolyao.analytics.models import Conversation
from trolyao.analytics.review import ReviewFilter, conversation_flags, conversation_item


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


VIETNAM = dt.timezone(dt.timedelta(hours=7), "UTC+7")


def vietnam_time(iso: str | None) -> str | None:
    """An ISO time as "2026-11-30 21:05:00" in Vietnam's time (UTC+7), as the pages show."""
    if not iso:
        return iso
    return dt.datetime.fromisoformat(iso).astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M:%S")


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([_cell(v) for v in values])
    return buffer.getvalue()


CONVERSATION_COLUMNS = [
    ("id", "Mã hội thoại"),
    ("started_at", "Bắt đầu (giờ Việt Nam, UTC+7)"),
    ("last_at", "Kết thúc (giờ Việt Nam, UTC+7)"),
    ("channel", "Kênh"),
    ("user_ref", "Người dùng (mã ẩn danh)"),
    ("turns", "Số lượt"),
    ("first_message", "Câu hỏi đầu tiên"),
    ("intents", "Ý định"),
    ("procedures", "Thủ tục"),
    ("fallback", "Không hiểu"),
    ("unanswered", "Chưa trả lời được"),
    ("negative_feedback", "Phản hồi chưa hài lòng"),
    ("handoff", "Yêu cầu gặp cán bộ"),
    ("tags", "Nhãn"),
    ("note", "Ghi chú"),
]


def conversations_csv(session: Session, where: ReviewFilter, *, page: int = 500) -> Iterator[str]:
    """Every conversation matching ``where`` as CSV (UTF-8 with BOM, for spreadsheets)."""
    yield "\ufeff" + _csv_line([label for _key, label in CONVERSATION_COLUMNS])
    clauses = where.where()
    last: tuple[dt.datetime, int] | None = None
    while True:
        query = select(Conversation).where(*clauses)
        if last is not None:
            query = query.where(
                or_(
                    Conversation.started_at < last[0],
                    and_(Conversation.started_at == last[0], Conversation.id < last[1]),
                )
            )
        rows = session.scalars(
            query.order_by(Conversation.started_at.desc(), Conversation.id.desc()).limit(page)
        ).all()
        if not rows:
            return
        flags = conversation_flags(session, [c.id for c in rows])
        for conversation in rows:
            item = conversation_item(conversation, flags[conversation.id])
            for key in ("started_at", "last_at"):  # as the pages show them
                item[key] = vietnam_time(item[key])
            yield _csv_line([item[key] for key, _label in CONVERSATION_COLUMNS])
        last = (rows[-1].started_at, rows[-1].id)
        session.expunge_all()


REPORT_ROWS = [
    ("conversations", "Số cuộc hội thoại"),
    ("unique_users", "Số người dùng"),
    ("messages", "Số câu hỏi của người dân"),
    ("bot_messages", "Số tin trả lời của trợ lý ảo"),
    ("avg_turns", "Số lượt trung bình mỗi hội thoại"),
    ("answered_rate", "Tỷ lệ câu hỏi được trả lời"),
    ("fallback_rate", "Tỷ lệ không hiểu câu hỏi"),
    ("handoff_requests", "Yêu cầu gặp cán bộ"),
    ("feedback_up", "Phản hồi hài lòng"),
    ("feedback_down", "Phản hồi chưa hài lòng"),
    ("satisfaction", "Mức độ hài lòng"),
    ("response_ms_p50", "Thời gian trả lời trung vị (ms)"),
    ("response_ms_p95", "Thời gian trả lời p95 (ms)"),
    ("plan.citizens_helped", "Người dân, doanh nghiệp được trợ lý ảo hỗ trợ"),
    ("plan.catalog_procedures_answered", "Số thủ tục được hỏi và trả lời"),
    ("plan.catalog_procedures", "Số thủ tục trong danh mục"),
    ("plan.catalog_coverage", "Tỷ lệ thủ tục của danh mục được hỏi và trả lời"),
    ("plan.unanswered_questions", "Câu hỏi chưa trả lời được"),
    ("plan.online_service_links", "Lượt chỉ dẫn tới dịch vụ công trực tuyến"),
]


def report_csv(summary: dict[str, Any]) -> str:
    """The plan report: one row per measure, then messages by day (UTF-8 with BOM)."""
    lines = ["\ufeff" + _csv_line(["Mã chỉ số", "Chỉ số", "Giá trị"])]
    lines.append(_csv_line(["from", "Từ ngày", summary["from"]]))
    lines.append(_csv_line(["to", "Đến ngày", summary["to"]]))
    lines.append(_csv_line(["channel", "Kênh", summary["channel"] or "tất cả"]))
    for key, label in REPORT_ROWS:
        value: Any = summary
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        lines.append(_csv_line([key, label, value]))
    lines.append("\r\n")
    lines.append(
        _csv_line(
            ["Ngày", "Số câu hỏi", "Số người dùng", "Không hiểu", "Hài lòng", "Chưa hài lòng"]
        )
    )
    for day in summary["by_day"]:
        lines.append(
            _csv_line(
                [
                    day["date"],
                    day["messages"],
                    day["unique_users"],
                    day["fallbacks"],
                    day["feedback_up"],
                    day["feedback_down"],
                ]
            )
        )
    return "".join(lines)
