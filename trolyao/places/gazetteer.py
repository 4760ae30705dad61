"""Where the citizen lives, from what they typed: Lạng Sơn's 65 current units, its 11 old
districts and 194 old communes (before 1 July 2025), and the other provinces.

Names are matched with or without diacritics, after a type word ("xã", "x.", "phường",
"p.", "thị trấn", "tt", "huyện", "h.", "thành phố", "tp") or, without one, after a word
that says "where" ("ở", "tại", "thuộc", "quê", …): "Đoàn Kết" or "Thống Nhất" alone are
words, not places. An old name resolves to the unit it became; a name that could be two
different units today is *ambiguous*, and the candidates are returned for the citizen to
choose. Pure Python over the project's data file: no database, no network.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from vntext import fold

DATA = Path(__file__).parent / "data" / "lang_son_units.json"

KIND_WORDS = {"xa": "xã", "phuong": "phường", "thi_tran": "thị trấn"}
DISTRICT_WORDS = {"huyen": "huyện", "thanh_pho": "thành phố"}
# Type words as folded token sequences, the longest first.
TYPE_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("thi", "tran"), "thi_tran"),
    (("thanh", "pho"), "thanh_pho"),
    (("thi", "xa"), "thi_xa"),
    (("tt",), "thi_tran"),
    (("tp",), "thanh_pho"),
    (("xa",), "xa"),
    (("x",), "xa"),
    (("phuong",), "phuong"),
    (("p",), "phuong"),
    (("huyen",), "huyen"),
    (("h",), "huyen"),
    (("tinh",), "tinh"),
)
# A bare name is a place only after one of these ("ở Na Sầm", "quê Bắc Sơn").
CUES = {"o", "tai", "thuoc", "que", "song", "ve", "tu", "nha", "chi", "dan", "ben", "cua"}
# Other names of provinces that citizens use.
ELSEWHERE_ALIASES = {
    "sai gon": "Hồ Chí Minh",
    "tphcm": "Hồ Chí Minh",
    "hcm": "Hồ Chí Minh",
    "thanh pho ho chi minh": "Hồ Chí Minh",
    "thua thien hue": "Huế",
}
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Unit:
    """A commune-level unit since 1 July 2025."""

    code: str
    name: str
    kind: str  # xa | phuong
    lat: float | None = None
    lon: float | None = None

    @property
    def title(self) -> str:
        """ "Xã Đồng Đăng", "Phường Tam Thanh"."""
        return f"{KIND_WORDS[self.kind].capitalize()} {self.name}"

    @property
    def said(self) -> str:
        """ "xã Đồng Đăng", inside a sentence."""
        return f"{KIND_WORDS[self.kind]} {self.name}"


@dataclass(frozen=True)
class District:
    """A district-level unit before 1 July 2025 (there is none since)."""

    code: str
    name: str
    kind: str  # huyen | thanh_pho

    @property
    def title(self) -> str:
        return f"{DISTRICT_WORDS[self.kind]} {self.name}"


@dataclass(frozen=True)
class OldCommune:
    """A commune-level unit before 1 July 2025 and the unit(s) it became."""

    code: str
    name: str
    kind: str  # xa | phuong | thi_tran
    district: District
    successors: tuple[str, ...]

    @property
    def title(self) -> str:
        return f"{KIND_WORDS[self.kind]} {self.name}"


Status = Literal["found", "ambiguous", "outside", "none"]


@dataclass(frozen=True)
class Place:
    """What a message says about where the citizen is.

    ``found``: ``unit`` (and ``old`` or ``old_district`` when an old name was used);
    ``ambiguous``: ``candidates`` to choose from; ``outside``: ``province`` elsewhere."""

    status: Status
    unit: Unit | None = None
    old: OldCommune | None = None
    old_district: District | None = None
    candidates: tuple[Unit, ...] = ()
    province: str | None = None
    mention: str = ""


NOWHERE = Place("none")


@dataclass
class Gazetteer:
    """The names and the old → new map, loaded once from the data file."""

    units: dict[str, Unit]
    districts: dict[str, District]
    old: dict[str, OldCommune]
    elsewhere: dict[str, str]
    source: dict[str, str]
    # folded name (tuple of words) -> [(level, code)], level: unit | old | district
    names: dict[tuple[str, ...], list[tuple[str, str]]] = field(default_factory=dict)
    longest: int = 1

    def __post_init__(self) -> None:
        def add(name: str, level: str, code: str) -> None:
            words = tuple(fold(name).replace("-", " ").split())
            self.names.setdefault(words, []).append((level, code))
            self.longest = max(self.longest, len(words))

        for unit in self.units.values():
            add(unit.name, "unit", unit.code)
        for old in self.old.values():
            add(old.name, "old", old.code)
        for district in self.districts.values():
            add(district.name, "district", district.code)
        for name in self.elsewhere:
            add(name, "elsewhere", name)

    @property
    def province(self) -> str:
        return "Lạng Sơn"

    def unit(self, code: str) -> Unit | None:
        return self.units.get(code)

    def successors_of_district(self, code: str) -> tuple[Unit, ...]:
        codes = dict.fromkeys(
            s for o in self.old.values() if o.district.code == code for s in o.successors
        )
        return tuple(self.units[c] for c in codes)

    def predecessors(self, code: str) -> list[OldCommune]:
        """The old communes that became (part of) unit ``code``."""
        return [o for o in self.old.values() if code in o.successors]

    # ------------------------------------------------------------------ reading text

    def resolve(self, text: str) -> Place:
        """Where ``text`` says the citizen is (see the module's docstring)."""
        raw = [m.group(0).lower() for m in _WORD.finditer(text or "")]
        words = [fold(w) for w in raw]
        mentions = self._mentions(words, raw)
        if not mentions:
            return NOWHERE
        local = [m for m in mentions if m.units or m.olds or m.districts]
        last = mentions[-1]
        if local and last.elsewhere and not (last.units or last.olds or last.districts):
            # the province named last decides ("tôi ở xã Hòa Bình, Hà Nội")
            return Place("outside", province=last.elsewhere[0], mention=last.text)
        if not local:
            return Place("outside", province=mentions[-1].elsewhere[0], mention=mentions[-1].text)
        communes = [m for m in local if m.units or m.olds]
        named_district = {c for m in local if not (m.units or m.olds) for c in m.districts}
        if not communes:
            district = self.districts[sorted(named_district)[-1]]
            return Place(
                "ambiguous",
                old_district=district,
                candidates=self.successors_of_district(district.code),
                mention=local[-1].text,
            )
        return self._commune(communes[-1], named_district)

    def _commune(self, mention: _Mention, named_district: set[str]) -> Place:
        units = [self.units[c] for c in mention.units]
        olds = [self.old[c] for c in mention.olds]
        if named_district:  # "xã Hồng Phong, huyện Cao Lộc": an old address
            in_district = [o for o in olds if o.district.code in named_district]
            if in_district:
                olds, units = in_district, []
        if mention.old_marker and olds:
            units = []
        if units and not mention.typed:  # "ở Cao Lộc": today's name first
            return Place("found", unit=units[0], mention=mention.text)
        targets: dict[str, Unit] = {u.code: u for u in units}
        for old in olds:
            for code in old.successors:
                targets.setdefault(code, self.units[code])
        if len(targets) == 1:
            said_old = olds[0] if olds and not units else None
            unit = next(iter(targets.values()))
            return Place("found", unit=unit, old=said_old, mention=mention.text)
        split = olds[0] if len(olds) == 1 and not units else None
        return Place(
            "ambiguous", old=split, candidates=tuple(targets.values()), mention=mention.text
        )

    def _mentions(self, words: list[str], raw: list[str]) -> list[_Mention]:
        found: list[_Mention] = []
        i = last_end = 0
        while i < len(words):
            kind, start = self._type_word(words, i)
            match = self._name_at(words, start)
            if match is None:
                i += 1
                continue
            size, entries = match
            end = start + size
            if tuple(words[start:end]) == ("lang", "son") and kind != "thanh_pho":
                # "ở Lạng Sơn" is the province; only "thành phố/TP Lạng Sơn" is the old city
                i = end
                continue
            cue = bool(kind) or (start > 0 and words[start - 1] in CUES)
            # "xã Hòa Bình, Hà Nội": a province right after a commune is its address's end
            chained = (
                bool(found)
                and start - last_end <= 2
                and all(level == "elsewhere" for level, _ in entries)
            )
            entries = self._by_accents(self._by_kind(entries, kind), " ".join(raw[start:end]))
            if not (entries and (cue or chained)):
                i += 1
                continue

            def codes(level: str, chosen: list[tuple[str, str]] = entries) -> tuple[str, ...]:
                return tuple(c for lv, c in chosen if lv == level)

            found.append(
                _Mention(
                    text=" ".join(raw[i:end]),
                    units=codes("unit"),
                    olds=codes("old"),
                    districts=codes("district"),
                    elsewhere=codes("elsewhere"),
                    old_marker=end < len(words) and words[end] in ("cu", "truoc"),
                    typed=bool(kind),
                )
            )
            i = last_end = end
        return found

    def _type_word(self, words: list[str], i: int) -> tuple[str | None, int]:
        for seq, kind in TYPE_WORDS:
            if tuple(words[i : i + len(seq)]) == seq:
                return kind, i + len(seq)
        return None, i

    def _name_at(self, words: list[str], i: int) -> tuple[int, list[tuple[str, str]]] | None:
        for size in range(min(self.longest, len(words) - i), 0, -1):
            entries = self.names.get(tuple(words[i : i + size]))
            if entries:
                return size, entries
        joined = " ".join(words[i : i + 4])
        for alias, province in ELSEWHERE_ALIASES.items():
            if joined == alias or joined.startswith(alias + " "):
                return len(alias.split()), [("elsewhere", province)]
        return None

    def _by_kind(self, entries: list[tuple[str, str]], kind: str | None) -> list[tuple[str, str]]:
        if kind is None:
            return entries

        def fits(level: str, code: str) -> bool:
            if level == "unit":
                return kind in ("xa", "phuong") and self.units[code].kind == kind
            if level == "old":
                return self.old[code].kind == kind
            if level == "district":
                return kind in ("huyen", "thanh_pho")
            return kind in ("tinh", "thanh_pho")

        out = [(level, code) for level, code in entries if fits(level, code)]
        return out

    def _by_accents(self, entries: list[tuple[str, str]], typed: str) -> list[tuple[str, str]]:
        """With diacritics typed, "Tân Thanh" is not "Tân Thành"."""
        if typed == fold(typed):
            return entries

        def name(level: str, code: str) -> str:
            if level == "unit":
                return self.units[code].name
            if level == "old":
                return self.old[code].name
            if level == "district":
                return self.districts[code].name
            return code

        exact = [(lv, c) for lv, c in entries if name(lv, c).lower() == typed]
        return exact or entries


@dataclass(frozen=True)
class _Mention:
    """One place name in the message, with every unit of that name."""

    text: str
    units: tuple[str, ...]  # today's units
    olds: tuple[str, ...]  # old communes
    districts: tuple[str, ...]  # old districts
    elsewhere: tuple[str, ...]  # other provinces
    old_marker: bool  # "… cũ"
    typed: bool  # after a type word ("xã", "tt" …)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The province's gazetteer (loaded once per process)."""
    data = json.loads(DATA.read_text("utf-8"))
    districts = {d["code"]: District(d["code"], d["name"], d["kind"]) for d in data["districts"]}
    units = {
        u["code"]: Unit(u["code"], u["name"], u["kind"], u.get("lat"), u.get("lon"))
        for u in data["units"]
    }
    old = {
        o["code"]: OldCommune(
            o["code"], o["name"], o["kind"], districts[o["district_code"]], tuple(o["successors"])
        )
        for o in data["legacy"]
    }
    elsewhere = {name: name for name in data["elsewhere"]}
    return Gazetteer(units, districts, old, elsewhere, data["source"])
