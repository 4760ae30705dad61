"""Everyday words for the things procedures are about: a thesaurus from speech to names.

Citizens tell what happened in their own words ("cụ nhà tôi tạ thế", "chưa từng bị kết
án", "thuê trọ gần khu công nghiệp", "bé bị bại não"); official names and aliases say
"khai tử", "lý lịch tư pháp", "tạm trú", "khuyết tật". Each line below maps everyday
phrases (folded, so they match with or without accents; abbreviations are expanded
first) to the words of the official name they point to. A message holding such a phrase
gets those words as extra query terms, which count only where an index holds them: the
ranking, not a rule, decides, and a knowledge base without such names is unaffected.

The lines are the team's knowledge of the domain, one concept per procedure family, and
never sentences of an evaluation file. A phrase belongs here only when it means the
concept almost whatever surrounds it; ambiguous ones ("mất", "đi tù", "chia đất") are left
to the names, aliases and situations of the records.
"""

from __future__ import annotations

import re
from functools import lru_cache

from trolyao.kb.search.paper_actions import PAPERS
from vntext import accent_signature, fold, surface_tokens

_CONCEPTS_TEXT = """
chào đời; mới sinh; vừa sinh; mới đẻ; vừa đẻ; sinh con; sinh bé; sinh cháu; đẻ con;
  sinh em bé; con đầu lòng; cháu đầu lòng; sinh đôi; mới sinh con => khai sinh
qua đời; từ trần; tạ thế; tử vong; chết; ra đi mãi mãi; giấy chứng tử; báo tử; hậu sự;
  đám tang; đám ma; mai táng; an táng; tang lễ; hỏa táng; chôn cất => khai tử
cưới vợ; cưới chồng; lấy vợ; lấy chồng; đám cưới; đám hỏi; về chung một nhà; về chung 1 nhà;
  về một nhà; thành vợ chồng; hôn thú; cưới nhau; lấy nhau; cưới xin; sắp cưới;
  định cưới; sẽ cưới; muốn cưới; chuẩn bị cưới; tổ chức cưới; giấy đăng ký kết hôn => kết hôn
độc thân; chưa có vợ; chưa có chồng; chưa vợ; chưa chồng; chưa lập gia đình; chưa cưới;
  chưa kết hôn; chưa từng kết hôn; không có vợ; không có chồng; chưa cưới ai
  => xác nhận tình trạng hôn nhân
tiền án; tiền án tiền sự; án tích; kết án; bị án; phạm tội; lý lịch; lai lịch; hồ sơ tư pháp
  => lý lịch tư pháp
bố ruột; cha ruột; mẹ ruột; con ruột; nhận con; nhận cha; nhận mẹ; nhận bố; trống tên cha;
  trống tên bố; không có tên bố; không có tên cha; mang họ mẹ => nhận cha mẹ con
nhận con nuôi; xin con nuôi; nhận nuôi; làm con nuôi; con nuôi; cha nuôi; mẹ nuôi
  => nuôi con nuôi
mồ côi; người đại diện; đứng ra đại diện; trông nom; mất năng lực hành vi; giám hộ
  => giám hộ
sửa tên; đổi tên con; đổi họ cho con; đổi họ tên; ghi sai; viết sai; sai ngày sinh;
  sai năm sinh; sai tên; sai họ tên; sai quê quán; nhầm tên; sửa ngày sinh; sửa năm sinh;
  thêm tên; cải chính
  => thay đổi cải chính hộ tịch
nhập khẩu; nhập hộ khẩu; chuyển khẩu; chuyển hộ khẩu; ở lâu dài; định cư lâu dài
  => thường trú
thuê trọ; ở trọ; phòng trọ; nhà trọ; thuê nhà; thuê phòng; ký túc xá => tạm trú
tách khẩu; tách sổ; ra riêng; ra ở riêng; sổ riêng; hộ riêng; chủ hộ riêng; lập hộ riêng;
  hộ khẩu riêng => tách hộ
cắt khẩu; xóa tên; xóa khẩu; bỏ tên; rút khẩu; rút tên; cắt hộ khẩu => xóa đăng ký thường trú
vắng mặt; đi làm xa; đi làm ăn xa; xa nhà; vắng nhà; báo vắng; rời địa phương; đi khỏi địa phương
  => tạm vắng
chứng minh nơi ở; xác nhận nơi ở; giấy xác nhận nơi ở; chứng minh chỗ ở; xác nhận chỗ ở;
  chỗ ở hiện nay; chỗ ở hiện tại; nơi ở hiện nay; nơi ở hiện tại; nơi đang sinh sống;
  xác nhận cư trú; giấy cư trú; không còn sổ hộ khẩu; bỏ sổ hộ khẩu; thay sổ hộ khẩu
  => xác nhận thông tin cư trú
ngủ lại; ở qua đêm; qua đêm; khách ở; khách trọ; nhà nghỉ; homestay; khách sạn;
  lên chơi; ở chơi => lưu trú
vneid; định danh; mức 2; mức độ 2; tài khoản định danh => định danh điện tử
sổ thông hành; xuất cảnh; ra nước ngoài; đi nước ngoài; du lịch nước ngoài; đi du học
  => hộ chiếu
bằng lái; thi bằng; lấy bằng lái; lấy bằng xe; học lái; tập lái; bằng a1; bằng a2;
  bằng b1; bằng b2; bằng c; hạng a1; hạng b2 => giấy phép lái xe
biển số; bấm biển; giấy tờ xe; cà vẹt; cavet; mua xe; xe mới mua; vừa mua xe
  => đăng ký xe
biển tạm; chạy tạm; biển số tạm; chưa có biển; trước khi có biển; chạy thử; xe tạm => xe tạm thời
mở quán; mở tiệm; mở cửa hàng; mở shop; mở sạp; buôn bán; bán hàng; tạp hóa; hộ cá thể;
  kinh doanh cá thể; giấy phép kinh doanh; đăng ký kinh doanh => hộ kinh doanh
dẹp tiệm; dẹp quán; dẹp hàng; dẹp luôn; đóng cửa hẳn; nghỉ bán hẳn; nghỉ bán luôn;
  không kinh doanh nữa; không buôn bán nữa; thôi kinh doanh; thôi buôn bán; giải thể hộ
  => chấm dứt hoạt động hộ kinh doanh
tạm nghỉ bán; nghỉ bán tạm; tạm đóng cửa; đóng cửa tạm; nghỉ bán một thời gian
  => tạm ngừng hoạt động hộ kinh doanh
sổ đỏ; sổ hồng; đứng tên đất; chưa có sổ; khai hoang; mảnh đất; thửa đất; lô đất; mảnh vườn
  => quyền sử dụng đất
lấn đất; lấn chiếm; lấn sang; tranh chấp; ranh giới đất; mốc giới; cãi nhau về đất
  => hòa giải tranh chấp đất đai
xây nhà; xây lại nhà; xây mới; cơi nới; nâng tầng; xây thêm tầng; phá nhà cũ
  => giấy phép xây dựng nhà ở
thẻ khám bệnh; khám chữa bệnh; thẻ bảo hiểm; mua bảo hiểm y tế => bảo hiểm y tế
khuyết tật; tàn tật; tật nguyền; bại não; câm điếc; bị câm; bị điếc; khiếm thị; khiếm thính;
  bị mù; mù lòa; bại liệt; bị liệt; liệt nửa người; thiểu năng; tự kỷ; hội chứng down;
  cụt chân; cụt tay; động kinh => khuyết tật
sao y; photo công chứng; công chứng bản sao; dấu đỏ; bản photo; công chứng giấy tờ
  => chứng thực bản sao
xác nhận chữ ký; chữ ký; giấy ủy quyền; ủy quyền => chứng thực chữ ký
di chúc; chúc thư; để lại tài sản; để lại nhà; để lại đất => di chúc
sao lục; bản sao từ sổ; từ sổ gốc; sổ lưu; xin thêm bản; thêm một bản => trích lục
"""


Concept = tuple[tuple[str, ...], tuple[str | None, ...]]
"""The official words, and the accents of the everyday phrase's words."""


def _phrases() -> dict[tuple[str, ...], Concept]:
    table: dict[tuple[str, ...], Concept] = {}
    for line in re.split(r"\n(?!\s)", _CONCEPTS_TEXT.strip()):
        spoken, _, official = " ".join(line.split()).partition("=>")
        words = tuple(fold(official).split())
        for phrase in spoken.split(";"):
            key = tuple(fold(phrase).split())
            if key:
                table[key] = (words, tuple(accent_signature(w) for w in phrase.split()))
    return table


CONCEPTS: dict[tuple[str, ...], Concept] = _phrases()
_LONGEST = max(len(key) for key in CONCEPTS)

# "Mất" is "died" after a relative ("bố tôi vừa mất", "mẹ e mới mất") and "lost" before a
# paper ("mất căn cước") or after "bị", "làm", "đánh" (search/paper_actions.py reads that sense).
_DIED = tuple(fold("khai tử").split())
# folded -> the accents of the kin words it may stand for ("ông", "bà", "mẹ" …)
_KIN: dict[str, set[str | None]] = {}
for _word in (
    "bố mẹ má cha ông bà cụ chồng vợ con anh chị em cháu cô chú bác dì cậu thím mợ nội ngoại"
).split():
    _KIN.setdefault(fold(_word), set()).add(accent_signature(_word))
_MAT = accent_signature("mất")
_BETWEEN = frozenset("toi em e minh nha tui ta vua moi da hom qua".split())
_LOST_BEFORE = frozenset("bi lam danh roi".split())


def _relative_died(tokens: list[tuple[str, str | None]], i: int) -> bool:
    """Whether ``tokens[i]`` ("mất") says that a relative died ("ông nội em vừa mất").

    Words typed with accents must be those words: "nuôi ong mật" is no death.
    """
    folded = [t[0] for t in tokens]
    if tokens[i][1] not in (None, _MAT):
        return False
    if i + 1 < len(folded) and folded[i + 1] in PAPERS:
        return False
    j = i - 1
    while j >= 0 and i - j <= 4 and folded[j] in _BETWEEN:
        j -= 1
    if j < 0 or folded[j] in _LOST_BEFORE or folded[i - 1] in _LOST_BEFORE:
        return False
    accents = _KIN.get(folded[j])
    return accents is not None and (tokens[j][1] is None or tokens[j][1] in accents)


@lru_cache(maxsize=4096)
def concept_spans(text: str) -> tuple[tuple[int, int, tuple[str, ...]], ...]:
    """The everyday phrases of a message: ``(start, end, official words)`` over the indices
    of :func:`vntext.surface_tokens`.

    Phrases are matched longest first and do not overlap. A word typed with accents must
    have the phrase's accents ("cho ô tô" is not "chỗ ở"); one typed without may be any.
    """
    tokens = surface_tokens(text)
    folded = [t[0] for t in tokens]
    found: list[tuple[int, int, tuple[str, ...]]] = []
    i = 0
    while i < len(folded):
        for n in range(min(_LONGEST, len(folded) - i), 0, -1):
            concept = CONCEPTS.get(tuple(folded[i : i + n]))
            if concept is not None and all(
                typed is None or typed == wanted
                for (_, typed), wanted in zip(tokens[i : i + n], concept[1], strict=True)
            ):
                found.append((i, i + n, concept[0]))
                i += n
                break
        else:
            if folded[i] == "mat" and _relative_died(tokens, i):
                found.append((i, i + 1, _DIED))
            i += 1
    return tuple(found)


def concept_words(text: str) -> tuple[tuple[str, ...], ...]:
    """The official words the message's everyday phrases stand for, once each."""
    return tuple(dict.fromkeys(words for _, _, words in concept_spans(text)))
