"""The file formats of the knowledge base (JSON records; CSV and Excel with the national
database's column names) and their rows, read as a stream.

Spreadsheet cells: a list of short texts is one item per line; nested lists (channels with
their times and fees, documents, legal bases) are JSON in their cell.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from trolyao.cells import unguard_cell
from trolyao.errors import TroLyAoError

FORMATS = ("json", "csv", "xlsx", "dvc-portal")


MAX_CELL = 100_000


COLUMNS: list[tuple[str, str, str]] = [
    ("Mã thủ tục", "ma_thu_tuc", "text"),
    ("Mã nội bộ", "ma_noi_bo", "text"),
    ("Mã thủ tục địa phương", "ma_thu_tuc_dia_phuong", "text"),
    ("Số quyết định công bố", "so_quyet_dinh_cong_bo", "text"),
    ("Tên thủ tục", "ten_thu_tuc", "text"),
    ("Tên ngắn", "ten_ngan", "text"),
    ("Tên gọi khác", "ten_goi_khac", "lines"),
    ("Tình huống cần đến thủ tục", "tinh_huong", "lines"),
    ("Sự kiện", "su_kien", "lines"),
    ("Lĩnh vực", "linh_vuc", "text"),
    ("Loại thủ tục", "loai_thu_tuc", "text"),
    ("Cấp thực hiện", "cap_thuc_hien", "lines"),
    ("Đối tượng thực hiện", "doi_tuong_thuc_hien", "lines"),
    ("Cơ quan có thẩm quyền", "co_quan.co_tham_quyen", "text"),
    ("Cơ quan thực hiện", "co_quan.thuc_hien", "text"),
    ("Cơ quan được ủy quyền", "co_quan.duoc_uy_quyen", "text"),
    ("Cơ quan phối hợp", "co_quan.phoi_hop", "text"),
    ("Địa chỉ tiếp nhận hồ sơ", "co_quan.dia_chi_tiep_nhan", "text"),
    ("Trình tự thực hiện", "trinh_tu_thuc_hien", "lines"),
    ("Cách thức thực hiện", "cach_thuc_thuc_hien", "json"),
    ("Thành phần hồ sơ", "thanh_phan_ho_so", "json"),
    ("Số bộ hồ sơ", "so_bo_ho_so", "int"),
    ("Yêu cầu, điều kiện thực hiện", "yeu_cau_dieu_kien", "text"),
    ("Kết quả thực hiện", "ket_qua_thuc_hien", "lines"),
    ("Căn cứ pháp lý", "can_cu_phap_ly", "json"),
    ("Thủ tục liên quan", "thu_tuc_lien_quan", "lines"),
    ("Mức độ dịch vụ công trực tuyến", "dvc_truc_tuyen.muc_do", "text"),
    ("Mức độ dịch vụ công (cũ, 1-4)", "dvc_truc_tuyen.muc_do_cu_1_4", "int"),
    ("Địa chỉ nộp trực tuyến", "dvc_truc_tuyen.url_nop", "text"),
    ("Mã tỉnh", "dia_ban.ma_tinh_H", "text"),
    ("Tỉnh", "dia_ban.ten_tinh", "text"),
    ("Tình trạng hiệu lực", "hieu_luc.trang_thai", "text"),
    ("Ngày có hiệu lực", "hieu_luc.tu_ngay", "text"),
    ("Ngày hết hiệu lực", "hieu_luc.den_ngay", "text"),
    ("Thay thế bởi", "hieu_luc.thay_the_boi", "text"),
    ("Nguồn", "nguon.url", "text"),
    ("Ngày thu thập", "nguon.ngay_thu_thap", "text"),
    ("SHA-256 nguồn", "nguon.sha256", "text"),
    ("Ghi chú nguồn", "nguon.ghi_chu", "text"),
    ("Trạng thái", "status", "text"),
]


HEADERS = [header for header, _path, _kind in COLUMNS]


_BY_PATH = {path: header for header, path, _kind in COLUMNS}


class ImportFileError(TroLyAoError):
    """The file cannot be read at all (format, encoding, header)."""


def detect_format(path: Path, given: str | None = None) -> str:
    """The file's format from ``given`` or its extension."""
    kind = (given or path.suffix.lstrip(".")).lower()
    if kind == "jsonl":
        kind = "dvc-portal"  # one national-portal record per line
    if kind not in FORMATS:
        raise ImportFileError("Định dạng tệp phải là .json, .csv, .xlsx hoặc dvc-portal (.jsonl).")
    return kind


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\r\n", "\n").strip()
    return text or None


def row_to_record(row: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """A spreadsheet row (header → cell) as a record dict; errors of cells that cannot
    even be read (bad JSON, not a number)."""
    record: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    for header, path, kind in COLUMNS:
        text = _cell_text(row.get(header))
        if text is not None and len(text) > MAX_CELL:
            errors.append({"field": header, "message": f"Ô quá dài (tối đa {MAX_CELL} ký tự)."})
            continue
        value: Any
        if text is None:
            value = [] if kind in ("lines", "json") else None
        elif kind == "lines":
            value = _lines(text)
        elif kind == "json":
            try:
                value = json.loads(text)
            except ValueError:
                errors.append({"field": header, "message": "Phải là JSON (danh sách)."})
                continue
        elif kind == "int":
            try:
                value = int(float(text))
            except ValueError:
                errors.append({"field": header, "message": "Phải là số nguyên."})
                continue
        else:
            value = text
        if (value is None or value == []) and ("." in path or path == "status"):
            continue  # an empty nested or admin field keeps its default
        _put(record, path, value)
    return record, errors


def _lines(text: str) -> list[str]:
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return [str(v) for v in parsed]
    return [line.strip() for line in text.split("\n") if line.strip()]


def _put(record: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = record
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _get(record: dict[str, Any], path: str) -> Any:
    node: Any = record
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def record_to_row(record: dict[str, Any]) -> list[Any]:
    """A record dict as spreadsheet cells, in :data:`COLUMNS` order."""
    cells: list[Any] = []
    for _header, path, kind in COLUMNS:
        value = _get(record, path)
        if value is None or value == []:
            cells.append("")
        elif kind == "lines":
            items = [str(v) for v in value]
            joined = "\n".join(items)
            plain = all(i and i == i.strip() and "\n" not in i for i in items)
            cells.append(
                joined
                if plain and not joined.startswith("[")
                else json.dumps(items, ensure_ascii=False)
            )
        elif kind == "json":
            cells.append(json.dumps(value, ensure_ascii=False))
        else:
            cells.append(value)
    return cells


def field_header(field_path: str) -> str:
    """The spreadsheet column of a record field path (``co_quan.thuc_hien`` → its header)."""
    parts = field_path.split(".")
    for n in range(len(parts), 0, -1):
        header = _BY_PATH.get(".".join(parts[:n]))
        if header:
            rest = ".".join(parts[n:])
            return f"{header}" + (f" ({rest})" if rest else "")
    return field_path


def read_rows(path: Path, kind: str) -> Iterator[tuple[int, dict[str, Any], list[dict[str, str]]]]:
    """``(row number, record dict, read errors)`` for each row, streaming."""
    if kind == "json":
        yield from _json_rows(path)
    elif kind == "csv":
        yield from _csv_rows(path)
    else:
        yield from _xlsx_rows(path)


MAX_JSON_DEPTH = 32  # a procedure record nests 5 levels; anything far deeper is hostile


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """How deep the brackets of a JSON text nest (strings skipped), without parsing it."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _json_rows(path: Path) -> Iterator[tuple[int, dict[str, Any], list[dict[str, str]]]]:
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError("Tệp JSON phải mã hóa UTF-8.") from exc
    if json_depth(text) > MAX_JSON_DEPTH:
        raise ImportFileError(f"Tệp JSON lồng quá sâu (tối đa {MAX_JSON_DEPTH} tầng).")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ImportFileError(f"Tệp JSON không đọc được: {str(exc)[:200]}") from exc
    if isinstance(data, dict) and isinstance(data.get("procedures"), list):
        data = data["procedures"]
    if not isinstance(data, list):
        raise ImportFileError('Tệp JSON phải là một danh sách hồ sơ (hoặc {"procedures": [...]}).')
    for number, item in enumerate(data, start=1):
        if isinstance(item, dict):
            yield number, item, []
        else:
            yield number, {}, [{"field": "_", "message": "Mỗi phần tử phải là một đối tượng."}]


EXCEL_CELL = 32_000  # Excel holds at most 32,767 characters in a cell
_CONTINUED = re.compile(r"^(.+) \(tiếp (\d+)\)$")


def continued_header(header: str, part: int) -> str:
    """The column holding part ``part`` (2, 3 …) of a cell too long for one Excel cell."""
    return f"{header} (tiếp {part})"


def split_for_excel(headers: list[str], rows: list[list[Any]]) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows where a text longer than Excel's cell limit continues in extra
    columns "<header> (tiếp 2)", "(tiếp 3)" … at the end; reading joins them back."""
    parts = [1] * len(headers)
    for row in rows:
        for i, value in enumerate(row):
            if isinstance(value, str) and len(value) > EXCEL_CELL:
                parts[i] = max(parts[i], -(-len(value) // EXCEL_CELL))
    extra = [(i, p) for i, n in enumerate(parts) for p in range(2, n + 1)]
    out_headers = headers + [continued_header(headers[i], p) for i, p in extra]
    out_rows = []
    for row in rows:
        cells = [v[:EXCEL_CELL] if isinstance(v, str) else v for v in row]
        for i, p in extra:
            value = row[i]
            chunk = value[(p - 1) * EXCEL_CELL : p * EXCEL_CELL] if isinstance(value, str) else ""
            cells.append(chunk)
        out_rows.append(cells)
    return out_headers, out_rows


def _join_continued(row: dict[str, Any]) -> dict[str, Any]:
    """Join "(tiếp N)" columns back onto their cell."""
    extra = sorted(
        (int(m.group(2)), m.group(1), key)
        for key in row
        if (m := _CONTINUED.match(key)) is not None
    )
    if not extra:
        return row
    out = {k: v for k, v in row.items() if not _CONTINUED.match(k)}
    for _part, header, key in extra:
        if row[key] not in (None, ""):
            out[header] = f"{out.get(header) or ''}{row[key]}"
    return out


def _check_header(header: list[str]) -> None:
    known = set(HEADERS)
    unknown = [
        h
        for h in header
        if h and h not in known and not ((m := _CONTINUED.match(h)) and m.group(1) in known)
    ]
    if unknown:
        raise ImportFileError(f"Cột không có trong mẫu: {', '.join(unknown[:10])}.")
    if "Tên thủ tục" not in header:
        raise ImportFileError("Thiếu cột 'Tên thủ tục'.")


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any], list[dict[str, str]]]]:
    csv.field_size_limit(MAX_CELL * 4)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader, [])]
            _check_header(header)
            for number, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                row = dict(zip(header, (unguard_cell(c) for c in cells), strict=False))
                record, errors = row_to_record(row)
                if len(cells) > len(header):
                    errors.append({"field": "_", "message": "Nhiều ô hơn số cột."})
                yield number, record, errors
    except UnicodeDecodeError as exc:
        raise ImportFileError("Tệp CSV phải mã hóa UTF-8.") from exc
    except csv.Error as exc:
        raise ImportFileError(f"Tệp CSV không đọc được: {exc}") from exc


MAX_XLSX_ROWS = 100_001  # a header and the import's row limit
MAX_XLSX_COLUMNS = len(COLUMNS) + 20
MAX_XLSX_UNPACKED = 300 * 1024 * 1024
MAX_XLSX_RATIO = 100  # unpacked / packed: real workbooks stay far below


def _check_xlsx_size(path: Path) -> None:
    """Refuse a zip bomb before openpyxl unpacks anything."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError("Tệp Excel không đọc được (.xlsx).") from exc
    unpacked = sum(m.file_size for m in members)
    packed = max(sum(m.compress_size for m in members), 1)
    if unpacked > MAX_XLSX_UNPACKED or unpacked / packed > MAX_XLSX_RATIO:
        raise ImportFileError("Tệp Excel quá lớn khi giải nén; hãy chia nhỏ tệp.")


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, Any], list[dict[str, str]]]]:
    from openpyxl import load_workbook

    _check_xlsx_size(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ImportFileError("Tệp Excel không đọc được (.xlsx).") from exc
    try:
        sheet = book.worksheets[0]
        # The sheet's declared size, before reading a row: a 5 KB file may declare a million
        # rows of 16,384 columns.
        if (sheet.max_row or 0) > MAX_XLSX_ROWS or (sheet.max_column or 0) > MAX_XLSX_COLUMNS:
            raise ImportFileError(
                f"Bảng tính khai báo quá nhiều dòng hoặc cột (tối đa {MAX_XLSX_ROWS - 1} dòng, "
                f"{MAX_XLSX_COLUMNS} cột)."
            )
        rows = sheet.iter_rows(values_only=True, max_col=MAX_XLSX_COLUMNS)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        _check_header(header)
        for number, values in enumerate(rows, start=2):
            if number > MAX_XLSX_ROWS:  # empty rows count too
                raise ImportFileError(f"Tối đa {MAX_XLSX_ROWS - 1} dòng mỗi lần nhập.")
            if not any(v not in (None, "") for v in values):
                continue
            row = _join_continued({h: v for h, v in zip(header, values, strict=False) if h})
            record, errors = row_to_record(row)
            yield number, record, errors
    finally:
        book.close()
