"""Cell parsers for the national portal's procedure detail page (Cổng Dịch vụ công quốc
gia), whose tables arrive flattened, without cell separators.

Every parser returns what it could read with confidence and a list of :class:`Issue`;
a cell it cannot read stays null (never a guess). Texts keep their raw wording so that
each fact can be traced to the source.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

NO_INFO = "Không có thông tin"


@dataclass(frozen=True)
class Issue:
    """A cell, or a part of one, that was not turned into a fact."""

    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


def clean(text: str | None) -> str | None:
    """A cell's text with no-break spaces, runs of spaces and "Không có thông tin" tidied;
    ``None`` when nothing is left."""
    if text is None:
        return None
    text = text.replace("\xa0", " ").replace("\r\n", "\n")
    text = re.sub(r"[ \t]+", " ", text)
    text = "\n".join(line.strip() for line in text.split("\n")).strip()
    if not text or text == NO_INFO or text in ("-", "--"):
        return None
    return text


# ---------------------------------------------------------------- channels, times, fees

CHANNELS = {"Trực tuyến": "truc_tuyen", "Dịch vụ bưu chính": "buu_chinh", "Trực tiếp": "truc_tiep"}
_CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
# A channel name starts a row when the time cell follows it at once: a number, "Không ...".
_CHANNEL = re.compile(r"(Trực tuyến|Dịch vụ bưu chính|Trực tiếp)(?=\d|Không|Trong|Theo|Ngay)")
_TIME = re.compile(r"^(\d+(?:[.,]\d+)?) ?(Ngày làm việc|Ngày|Giờ|Tháng|Năm|Phút|Tuần)(?![a-zà-ỹ])")
_TIME_UNITS = {"Ngày làm việc": "ngay_lam_viec", "Ngày": "ngay", "Giờ": "gio"}
_AMOUNT = r"\d{1,3}(?:[,.]\d{3})+|\d+"
_FEE_VND = re.compile(rf"^({_AMOUNT}) ?(Việt Nam Đồng|VNĐ|VND|đồng)")
_FEE_OTHER = re.compile(rf"^({_AMOUNT}) ?(USD|EUR|Đô la Mỹ)")
_MONEY_IN_NOTE = re.compile(r"\d[\d.,]* ?(?:đồng|VNĐ|VND|đ\b|USD)", re.IGNORECASE)
# A note that sets the amount elsewhere ("Mức lệ phí ... do HĐND tỉnh quyết định").
_FEE_BY_RULE = re.compile(r"[Mm]ức (?:lệ )?phí|[Mm]ức thu|^Theo phí|[Tt]heo quy định tại.{0,40}phí")
_UNTIL = re.compile(
    r"(?:đến hết ngày|đến ngày|hết ngày)\s*"
    r"(?:(\d{1,2})/(\d{1,2})/(\d{4})|(\d{1,2}) tháng (\d{1,2}) năm (\d{4}))"
)
_BARE_NUMBER = re.compile(r"^(\d+)(?=Miễn phí|Không có thông tin|\D)")


def _balanced(text: str) -> int:
    """Length of the parenthesised group at the start of ``text`` (0 when none)."""
    if not text.startswith("("):
        return 0
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return i + 1
    return 0


def fee_valid_until(note: str | None) -> dt.date | None:
    """The last day a fee applies, when its own note says so ("đến hết ngày 31/12/2023")."""
    if not note:
        return None
    dates = []
    for m in _UNTIL.finditer(note):
        d, mo, y = (m.group(1), m.group(2), m.group(3)) if m.group(1) else m.group(4, 5, 6)
        try:
            dates.append(dt.date(int(y), int(mo), int(d)))
        except ValueError:
            continue
    return max(dates) if dates else None


def parse_channels(text: str | None) -> tuple[list[dict[str, Any]], list[Issue]]:
    """``cach_thuc_thuc_hien``: one channel per row, each with its time and fees."""
    field = "cach_thuc_thuc_hien"
    issues: list[Issue] = []
    text = (text or "").replace("\xa0", " ")
    if text.startswith(_CHANNEL_HEADER):
        text = text[len(_CHANNEL_HEADER) :]
    elif clean(text) is not None:
        return [], [Issue(field, "Không nhận ra bảng cách thức thực hiện.")]
    starts = list(_CHANNEL.finditer(text))
    if clean(text) is not None and (not starts or clean(text[: starts[0].start()])):
        return [], [Issue(field, "Không nhận ra hình thức nộp ở đầu bảng.")]
    channels = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        kind = CHANNELS[match.group(1)]
        channel, found = _channel_row(kind, text[match.end() : end])
        channels.append(channel)
        issues += found
    return channels, issues


def _channel_row(kind: str, rest: str) -> tuple[dict[str, Any], list[Issue]]:
    field = f"cach_thuc_thuc_hien.{kind}"
    issues: list[Issue] = []
    channel: dict[str, Any] = {"hinh_thuc": kind, "phi_le_phi": []}
    ambiguous = False
    # The time cell.
    if m := _TIME.match(rest):
        value = float(m.group(1).replace(",", "."))
        unit = _TIME_UNITS.get(m.group(2))
        channel["thoi_han"] = {
            "gia_tri": value if unit else None,
            "don_vi": unit,
            "nguyen_van": m.group(0),
        }
        rest = rest[m.end() :]
    elif rest.startswith(NO_INFO):
        rest = rest[len(NO_INFO) :]
    elif (m := _BARE_NUMBER.match(rest)) and not _FEE_VND.match(rest):
        issues.append(Issue(field, f"Thời gian '{m.group(1)}' không có đơn vị: để trống."))
        rest = rest[m.end() :]
    elif _FEE_VND.match(rest) or _FEE_OTHER.match(rest):
        # Digits of a unit-less time glued to an amount ("125 VNĐ"): no way to split them.
        ambiguous = True
        issues.append(Issue(field, f"Thời gian và phí dính liền ('{rest[:20]}'): để trống."))
        m2 = re.match(rf"({_AMOUNT}) ?\S+(?: Nam Đồng)?", rest)
        rest = rest[m2.end() :] if m2 else rest
    else:
        m = re.match(r"^(.{1,120}?)(?=Miễn phí|\d|$)", rest)
        if m and m.group(1).strip():
            channel["thoi_han"] = {"gia_tri": None, "don_vi": None, "nguyen_van": m.group(1)}
            rest = rest[m.end() :]
    # The fee cell (one amount, or "Miễn phí", or nothing), then its note in brackets.
    fee: dict[str, Any] | None = None
    if not ambiguous:
        if m := _FEE_VND.match(rest):
            amount = int(re.sub(r"[,.]", "", m.group(1)))
            fee = {"so_tien_vnd": amount, "nguyen_van": f"{amount:,} đồng".replace(",", ".")}
            rest = rest[m.end() :]
        elif m := _FEE_OTHER.match(rest):
            fee = {"so_tien_vnd": None, "nguyen_van": m.group(0)}
            issues.append(Issue(field, f"Phí bằng ngoại tệ ('{m.group(0)}'): không quy ra VNĐ."))
            rest = rest[m.end() :]
        elif rest.startswith("Miễn phí"):
            fee = {"so_tien_vnd": 0, "nguyen_van": "Miễn phí"}
            rest = rest[len("Miễn phí") :]
        elif rest.startswith(NO_INFO):
            rest = rest[len(NO_INFO) :]
    note = None
    if size := _balanced(rest):
        note = clean(rest[1 : size - 1].strip("() "))
        rest = rest[size:]
    if fee is not None:
        if note:
            fee["nguyen_van"] = f"{fee['nguyen_van']} ({note})"
            until = fee_valid_until(note)
            if until:
                fee["ap_dung_den"] = until.isoformat()
            if fee["so_tien_vnd"] == 0 and (
                _MONEY_IN_NOTE.search(note) or _FEE_BY_RULE.search(note)
            ):
                # "Miễn phí" over a note that lists amounts: the headline is not the fact.
                fee["so_tien_vnd"] = None
                fee["nguyen_van"] = note
                issues.append(
                    Issue(field, "'Miễn phí' nhưng ghi chú nêu mức thu: số tiền để trống.")
                )
        channel["phi_le_phi"] = [fee]
    elif note:
        channel["mo_ta"] = note
    description = clean(rest)
    if description:
        channel["mo_ta"] = (
            f"{channel['mo_ta']}\n{description}" if "mo_ta" in channel else description
        )
    return channel, issues


# ---------------------------------------------------------------- legal basis, results, steps

_LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
_CODE_START = re.compile(r"(?<!\d)(\d{1,4})/(\d{4})/(?=[A-ZĐ])")
_CODE_CHARS = re.compile(r"[A-Za-zĐ0-9\-]")
_ISSUED = re.compile(r"ngày (\d{1,2})/(\d{1,2})/(\d{4})|ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})")


def _code_cells(text: str) -> list[tuple[int, int]]:
    """Spans of the document numbers that end a row: a number ("60/2014/QH13") followed
    by the end or by the next title (a capital then a small letter), glued to its title."""
    spans = []
    for m in _CODE_START.finditer(text):
        end = m.end()
        while end < len(text) and _CODE_CHARS.match(text[end]):
            end += 1
            rest = text[end:]
            if not rest or (len(rest) > 1 and rest[0].isupper() and rest[1].islower()):
                break
        rest = text[end:]
        if rest and not (len(rest) > 1 and rest[0].isupper() and rest[1].islower()):
            continue
        start = m.start()
        if start > 0 and text[start - 1].isspace():
            continue  # a number quoted inside a title
        code = text[start:end]
        # Digits glued on both sides ("QH1449/2019/QH14"): the title ends with this number.
        digits = m.group(1)
        for cut in range(1, len(digits)):
            shorter = code[cut:]
            if text[: start + cut].endswith(shorter[: len(shorter)]) or text[
                : start + cut
            ].endswith(shorter.split("/")[-1]):
                start += cut
                break
        spans.append((start, end))
    return spans


def _issued_on(title: str, code: str) -> dt.date | None:
    """The date a title gives for its own document ("Nghị định số 123/2015/NĐ-CP ngày ...")."""
    at = title.find(code)
    m = _ISSUED.search(title, at + len(code)) if at >= 0 else None
    if not m or (at >= 0 and m.start() - (at + len(code)) > 3):
        return None
    d, mo, y = m.group(1, 2, 3) if m.group(1) else m.group(4, 5, 6)
    try:
        return dt.date(int(y), int(mo), int(d))
    except ValueError:
        return None


def parse_legal_bases(text: str | None) -> tuple[list[dict[str, Any]], list[Issue]]:
    """``can_cu_phap_ly``: title and number cells, glued; the number ends each row."""
    field = "can_cu_phap_ly"
    if clean(text) is None:
        return [], []
    assert text is not None
    text = text.replace("\xa0", " ")
    if not text.startswith(_LEGAL_HEADER):
        return [], [Issue(field, "Không nhận ra bảng căn cứ pháp lý.")]
    text = text[len(_LEGAL_HEADER) :]
    out: list[dict[str, Any]] = []
    start = 0
    for code_start, code_end in _code_cells(text):
        title = clean(text[start:code_start])
        start = code_end
        code = text[code_start:code_end]
        basis: dict[str, Any] = {"so_ky_hieu": code}
        if title:
            basis["trich_yeu"] = title[:10_000]
            issued = _issued_on(title, code)
            if issued:
                basis["ngay_ban_hanh"] = issued.isoformat()
        if code not in {b["so_ky_hieu"] for b in out}:
            out.append(basis)
    rest = clean(text[start:])
    issues = [Issue(field, f"Văn bản không có số ký hiệu: '{rest[:60]}'")] if rest else []
    return out[:200], issues


_RESULT_CODE = re.compile(r"Mã: ?KQ\.[A-Z0-9.]+")


def parse_results(text: str | None) -> tuple[list[str], list[Issue]]:
    """``ket_qua_xu_ly``: result names, each followed by its code ("Mã: KQ.G15.000031")."""
    body = clean((text or "").split("Từ khóa")[0])
    if body is None:
        return [], []
    names = [clean(part) for part in _RESULT_CODE.split(body)]
    results = [n.rstrip(".") for n in names if n]
    if not _RESULT_CODE.search(body) and len(body) > 1000:
        return [], [Issue("ket_qua_xu_ly", "Kết quả không có mã và quá dài: giữ ở nguồn.")]
    return list(dict.fromkeys(r[:10_000] for r in results))[:50], []


_STEP_START = re.compile(r"^(?:[-+•*]|Bước \d+|\(?[ivx]+\)|\d+[.)]|[a-zđ]\))\s*", re.IGNORECASE)


_STEP_HEADER = re.compile(r"^[-+•*\s]*Bước\s*(\d+)\s*[:.\-–)]?\s*", re.IGNORECASE)
_BULLET = re.compile(r"^[-•*]\s*")


def parse_steps(text: str | None) -> list[str]:
    """``trinh_tu_thuc_hien``: one step per "Bước N" when the text numbers its steps (the
    lines under it belong to it), else one per bulleted line; other lines continue a step."""
    body = clean(text)
    if body is None:
        return []
    lines = [line for line in body.split("\n") if line]
    steps: list[str] = []
    if sum(1 for line in lines if _STEP_HEADER.match(line)) >= 2:
        for line in lines:
            if m := _STEP_HEADER.match(line):
                steps.append(line[m.end() :])
            elif steps:
                steps[-1] = f"{steps[-1]} {line}".strip()
            else:
                steps.append(line)
    else:
        for line in lines:
            continues = steps and not _STEP_START.match(line)
            if continues and (not steps[-1].endswith((".", ";", ":")) or line[:1].islower()):
                steps[-1] = f"{steps[-1]} {line}"
            else:
                steps.append(_BULLET.sub("", line))
    return [s[:10_000] for s in steps if s][:100]


LEVELS = {
    "Cấp bộ": "trung_uong",
    "Cấp tỉnh": "tinh",
    "Cấp huyện": "huyen",
    "Cấp xã": "xa",
    "Cơ quan khác": "co_quan_khac",
}


def parse_levels(text: str | None) -> tuple[list[str], list[Issue]]:
    """``cap_thuc_hien``: "Cấp bộ, Cấp tỉnh, Cấp xã"."""
    out: list[str] = []
    issues: list[Issue] = []
    for part in (clean(text) or "").split(","):
        name = part.strip()
        if not name:
            continue
        level = LEVELS.get(name[:1].upper() + name[1:].lower())
        if level is None:
            issues.append(Issue("cap_thuc_hien", f"Cấp không rõ: '{name[:40]}'"))
        elif level not in out:
            out.append(level)
    return out, issues


def split_outside_brackets(text: str | None) -> list[str]:
    """Items of a comma list whose items may hold commas in brackets."""
    body = clean(text)
    if body is None:
        return []
    items, depth, current = [], 0, ""
    for ch in body:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += ch
    items.append(current.strip())
    return [i[:500] for i in dict.fromkeys(i for i in items if i)]
