"""The documents table of a portal record (``thanh_phan_ho_so``): sections, each a header
(the case it applies to) and rows of name, form and count, with attachment file names
glued to the names."""

from __future__ import annotations

import re
from typing import Any

from trolyao.kb.portal.cells import Issue, clean

_DOC_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_COUNT = re.compile(r"(\d{1,2}) bản chính(?:,\s*(\d{1,2}) bản sao)?|(\d{1,2}) bản sao")
_ATTACHMENT_END = re.compile(r"(?: ?\(\d+\))?\.(?:docx?|pdf|xlsx?|rar|zip)$", re.IGNORECASE)
_FORM_IN_NAME = re.compile(
    r"(?:[Mm]ẫu|[Tt]ờ khai)(?: số)?\s*:?\s*([A-Z]{1,4}\d{1,3}[a-z]?(?:-[A-Z0-9]{1,4})*)(?![\w/])"
)
# "Mẫu số 03", and the national codes that go on after the number: "Mẫu số 13.MTCN",
# "mẫu số 02/GTGT", "Mẫu 01/2025/LLTP", "Mẫu 02/TEM" (a sentence's full stop is not one)
_FORM_NUMBERED = re.compile(
    r"\b[Mm]ẫu( số)? (\d{1,3}[a-z]?(?:[./-][0-9A-ZĐ][0-9A-Za-zĐđ]{0,9}){0,3})(?![\w/])"
)
_FORM_CODE = re.compile(
    r"(?<![A-Z0-9./-])([A-Z]{2,3}\d{1,3}(?:[a-z](?![a-z]))?(?:-[A-Z]{1,3})?)(?![\d/])"
)
_CASE_HEADER = re.compile(r"[Tt]rường hợp|[Đđ]ối với|[Nn]ếu ")
_GENERIC_HEADERS = re.compile(
    r"^[*\-+\s]*(?:Giấy tờ phải nộp|Hồ sơ gồm|Thành phần hồ sơ(?: gồm)?|Hồ sơ đề nghị gồm)"
    r"\s*:?\s*$",
    re.IGNORECASE,
)


def _attachment_split(text: str) -> tuple[str, str | None]:
    """``name`` and the attachment file name glued to its end (``...;1.MuCT01ban.doc``)."""
    m = _ATTACHMENT_END.search(text)
    if not m:
        return text, None
    head = text[: m.start()]
    cut = None
    for i, ch in enumerate(head):
        nxt = head[i + 1] if i + 1 < len(head) else ""
        if ch == ";" or (
            ch in ".)" and nxt and not nxt.isspace() and not head[i - 1 : i].isdigit()
        ):
            cut = i + 1
    if cut is None or not head[:cut].strip(" ;.-+"):
        return text, None
    return head[:cut].rstrip(" ;"), text[cut:]


def form_code(name: str, attachment: str | None) -> str | None:
    """The form's code (CT01, TK1-TS, "Mẫu số 03"), from the name first, then the file."""
    if m := _FORM_IN_NAME.search(name):
        return m.group(1)
    if m := _FORM_NUMBERED.search(name):
        return f"Mẫu{m.group(1) or ''} {m.group(2)}"  # as the source words it
    if attachment:
        if m := _FORM_IN_NAME.search(attachment):
            return m.group(1)
        codes = _FORM_CODE.findall(attachment)
        if codes:
            return str(codes[0])
    return None


def _case_of(name: str) -> str | None:
    """The case a document applies to, when its text opens with one ("Trường hợp ... thì",
    "Trường hợp ... phải có") or limits itself to one ("... trong trường hợp ủy quyền")."""
    m = re.match(r"^(?:[Tt]rường hợp|[Nn]ếu|[Đđ]ối với)\b(.{3,200}?)(?: thì |,| phải )", name)
    if m:
        return m.group(0).rstrip(" ,").removesuffix(" thì").removesuffix(" phải")
    m = re.search(r"\btrong trường hợp ([^.;:()]{3,120})", name)
    if m:
        return f"Trường hợp {m.group(1).strip()}"
    return None


def parse_documents(text: str | None) -> tuple[list[dict[str, Any]], list[Issue]]:
    """``thanh_phan_ho_so``: sections (a header, then rows of name, form and count)."""
    field = "thanh_phan_ho_so"
    if clean(text) is None:
        return [], []
    assert text is not None
    text = text.replace("\xa0", " ")
    parts = text.split(_DOC_HEADER)
    if len(parts) == 1:
        return [], [Issue(field, "Không nhận ra bảng thành phần hồ sơ.")]
    documents: list[dict[str, Any]] = []
    issues: list[Issue] = []
    header = parts[0]
    for n, body in enumerate(parts[1:], start=1):
        # The next section's header is the tail after this section's last count.
        last = None
        if n < len(parts) - 1:
            counts = list(_COUNT.finditer(body))
            if counts:
                last = counts[-1].end()
                next_header = body[last:]
                body = body[:last]
            else:
                next_header = ""
        section = clean(header.strip(" :*-+"))
        # The first section is the common case unless its header names a case; a later
        # section with its own header is another case.
        section_case = (
            section
            if section
            and not _GENERIC_HEADERS.match(header)
            and (n > 1 or _CASE_HEADER.search(section))
            else None
        )
        if section and "xuất trình" in section.lower():
            section_case = section
        start = 0
        for m in _COUNT.finditer(body):
            raw = body[start : m.start()]
            start = m.end()
            name_text, attachment = _attachment_split(raw.strip())
            name = clean(re.sub(r"^[\s\-+•*]+", "", name_text))
            if not name:
                issues.append(Issue(field, "Một dòng giấy tờ không có tên."))
                continue
            originals = int(m.group(1)) if m.group(1) is not None else 0
            copies = (
                int(m.group(2))
                if m.group(2) is not None
                else (int(m.group(3)) if m.group(3) is not None else None)
            )
            doc: dict[str, Any] = {
                "ten_giay_to": name[:10_000],
                "so_ban_chinh": originals,
                "so_ban_sao": copies if copies is not None else 0,
            }
            case = _case_of(name) or section_case
            if case:
                doc["truong_hop"] = case
            code = form_code(name, attachment)
            if code:
                doc["mau_don"] = {"ten": code}
            documents.append(doc)
        tail = clean(body[start:])
        if tail and n == len(parts) - 1:
            issues.append(Issue(field, f"Phần cuối không có số lượng, giữ ở nguồn: '{tail[:60]}…'"))
        header = next_header if last is not None else ""
    return documents[:200], issues
