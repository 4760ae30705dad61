"""Search quality in a knowledge base of national size: the seeded procedures among
about 2,650 whose names look alike, as on the national portal ("… (thực hiện tại cấp tỉnh)"
beside "… (thực hiện tại cấp trung ương)", "Cấp thẻ căn cước cho người dưới 14 tuổi" beside
"Cấp thẻ căn cước", a licence from a dozen ministries). The look-alikes have names only, no
aliases or situations, as a fresh import would; the evaluation files are unchanged."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from bench.search import synthetic_rows
from trolyao import migrate
from trolyao.db import make_engine
from trolyao.kb.models import KnowledgeBaseState, Procedure
from trolyao.kb.search import ProcedureSearch
from trolyao.kb.search.evaluation import evaluate, read_cases
from trolyao.kb.seed import seed_all
from trolyao.schema import utcnow

# Real-looking neighbours of the catalog's procedures (names of the national portal's style).
LOOKALIKES = """
Đăng ký khai sinh lưu động; Đăng ký khai sinh kết hợp nhận cha, mẹ, con;
Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân; Đăng ký khai tử lưu động;
Đăng ký kết hôn lưu động; Đăng ký lại kết hôn; Đăng ký lại kết hôn có yếu tố nước ngoài;
Ghi vào Sổ hộ tịch việc kết hôn của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài;
Ghi vào Sổ hộ tịch việc ly hôn đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài;
Đăng ký khai tử có yếu tố nước ngoài; Đăng ký nhận cha, mẹ, con có yếu tố nước ngoài;
Đăng ký giám hộ có yếu tố nước ngoài; Đăng ký chấm dứt giám hộ; Đăng ký thay đổi giám hộ;
Đăng ký việc nuôi con nuôi nước ngoài; Đăng ký lại việc nuôi con nuôi trong nước;
Cấp thẻ căn cước cho người dưới 14 tuổi; Cấp đổi thẻ căn cước; Cấp giấy chứng nhận căn cước;
Cấp hộ chiếu phổ thông ở nước ngoài; Cấp hộ chiếu ngoại giao; Cấp giấy thông hành;
Cấp giấy phép lái xe quốc tế; Đổi giấy phép lái xe do ngành Công an cấp;
Đổi giấy phép lái xe quân sự do Bộ Quốc phòng cấp; Cấp lại chứng chỉ bồi dưỡng kiến thức pháp luật giao thông;
Đăng ký sang tên xe; Đăng ký xe tạm thời cho xe nhập khẩu; Thu hồi đăng ký, biển số xe;
Đăng ký thường trú cho người chưa thành niên; Xóa đăng ký tạm trú; Khai báo thông tin về cư trú đối với người chưa đủ điều kiện đăng ký thường trú, tạm trú;
Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú;
Chứng thực bản sao điện tử từ bản chính; Chứng thực chữ ký người dịch; Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản;
Chứng thực văn bản thỏa thuận phân chia di sản; Chứng thực văn bản khai nhận di sản; Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch;
Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng; Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam;
Đăng ký thành lập hợp tác xã; Đăng ký thành lập doanh nghiệp tư nhân; Tạm ngừng kinh doanh của doanh nghiệp;
Đăng ký giải thể doanh nghiệp; Đăng ký thay đổi nội dung đăng ký doanh nghiệp; Cấp lại giấy chứng nhận đăng ký doanh nghiệp;
Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất; Cấp đổi Giấy chứng nhận quyền sử dụng đất;
Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất; Tách thửa hoặc hợp thửa đất; Chuyển mục đích sử dụng đất;
Cấp giấy phép xây dựng công trình không theo tuyến; Cấp giấy phép sửa chữa, cải tạo công trình; Gia hạn giấy phép xây dựng;
Cấp lại thẻ bảo hiểm y tế do bị mất, hỏng; Đổi thẻ bảo hiểm y tế; Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi;
Đổi, cấp lại Giấy xác nhận khuyết tật; Trợ cấp xã hội hằng tháng cho người khuyết tật; Hỗ trợ chi phí mai táng;
Thông báo lưu trú trên Cổng dịch vụ công; Khai báo tạm vắng đối với người chấp hành án
"""
LEVELS = (
    "",
    " (thực hiện tại cấp tỉnh)",
    " (thực hiện tại cấp trung ương)",
    " (thực hiện tại cấp xã)",
)


def lookalike_rows(count: int) -> list[dict[str, Any]]:
    """Look-alike names at several levels, then generic ones, ``count`` rows in all."""
    now = utcnow()
    names = [n.strip() for n in LOOKALIKES.replace("\n", " ").split(";") if n.strip()]
    rows: list[dict[str, Any]] = []
    for level in LEVELS:
        for name in names:
            rows.append({"name": name + level})
    rows = rows[:count]
    generic = synthetic_rows(max(count - len(rows), 0), seed=11)
    out = []
    for i, row in enumerate([*rows, *generic], start=1):
        out.append(
            {
                **{k: v for k, v in row.items() if k not in ("code", "slug")},
                "code": f"8.{i:06d}",
                "slug": f"tt-quoc-gia-{i}",
                "aliases": row.get("aliases", []),
                "situations": [],
                "field": row.get("field", "Tổng hợp"),
                "levels": [],
                "subjects": [],
                "steps": [],
                "results": [],
                "related_codes": [],
                "validity": "dang_ap_dung",
                "created_at": now,
                "updated_at": now,
            }
        )
    return out


def run_large_kb_evaluation(procedures: int, files: list[Path], output: Path) -> dict[str, Any]:
    """Build the large knowledge base in a temporary SQLite file and evaluate each file."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'large.db'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session, session.begin():
            seeded = seed_all(session).inserted
            rows = lookalike_rows(procedures - seeded)
            for start in range(0, len(rows), 1000):
                session.execute(insert(Procedure), rows[start : start + 1000])
            session.execute(
                update(KnowledgeBaseState).values(revision=KnowledgeBaseState.revision + 1)
            )
        search = ProcedureSearch(engine)
        result: dict[str, Any] = {"procedures": procedures, "files": {}}
        for file in files:
            report = evaluate(
                read_cases(file), lambda q: [(h.name, h.key) for h in search.search(q, 5).hits]
            )
            result["files"][file.name] = {
                "overall": report.overall.as_dict(),
                "by_form": {k: v.as_dict() for k, v in report.by_form.items()},
            }
            print(f"{file.name}: {report.overall.as_dict()}", flush=True)
        engine.dispose()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return result
