"""Extract Lạng Sơn's administrative units from the ``vietnamadminunits`` package (MIT) into
the project's own data file, ``trolyao/places/data/lang_son_units.json``.

Run by a maintainer when the package or the law changes, never at run time::

    .tools/bin/pip download --no-deps vietnamadminunits==1.0.4 -d /tmp/vau
    .venv/bin/python scripts/extract_admin_units.py \
        /tmp/vau/vietnamadminunits-1.0.4-py3-none-any.whl

Checked against Resolution 1672/NQ-UBTVQH15 (16 June 2025): 65 units, 61 xã and 4 phường,
the same names. One correction: the package maps Bình Gia's old xã Hồng Phong to two new
units (Đồng Đăng and Hồng Phong) because Cao Lộc had a xã Hồng Phong too (merged into Đồng
Đăng); Bình Gia's Hồng Phong became xã Hồng Phong alone. The two old communes really split
are Bính Xá and Kiên Mộc (Đình Lập).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path

PROVINCE = "tinhlangson"
OUT = Path(__file__).resolve().parents[1] / "trolyao" / "places" / "data" / "lang_son_units.json"
# (old commune key) -> the new units it really went to (see the docstring)
CORRECTIONS = {"tinhlangson_huyenbinhgia_xahongphong": ["xahongphong"]}
KIND = {"Xã": "xa", "Phường": "phuong", "Thị trấn": "thi_tran"}
DISTRICT_KIND = {"Huyện": "huyen", "Thành phố": "thanh_pho"}


def _bare(name: str, kind_word: str) -> str:
    return name[len(kind_word) + 1 :] if name.startswith(kind_word + " ") else name


def extract(package_dir: Path) -> dict[str, object]:
    data = package_dir / "vietnamadminunits" / "data"
    db = sqlite3.connect(data / "dataset.db")
    converter = json.loads((data / "converter_2025.json").read_text("utf-8"))
    units = [
        {
            "code": code,
            "name": _bare(name, kind),
            "kind": KIND[kind],
            "key": key,
            "lat": lat,
            "lon": lon,
        }
        for name, kind, code, key, lat, lon in db.execute(
            "SELECT ward, wardType, wardCode, wardKey, wardLat, wardLon FROM admin_units"
            " WHERE provinceKey = ? ORDER BY wardCode",
            (PROVINCE,),
        )
    ]
    by_key = {u["key"]: u["code"] for u in units}
    successors: dict[str, list[str]] = {}
    for new_key, olds in converter["DICT_PROVINCE_WARD_NO_DIVIDED"][PROVINCE].items():
        for old in olds:
            successors.setdefault(old, []).append(by_key[new_key])
    for old, news in converter["DICT_PROVINCE_WARD_DIVIDED"].get(PROVINCE, {}).items():
        ordered = sorted(news, key=lambda n: not n["isDefaultNewWard"])
        successors[old] = [by_key[n["newWardKey"]] for n in ordered]
    for old, new_keys in CORRECTIONS.items():
        successors[old] = [by_key[k] for k in new_keys]
    legacy = []
    districts: dict[str, dict[str, str]] = {}
    for row in db.execute(
        "SELECT ward, wardType, wardCode, wardKey, district, districtType, districtCode,"
        " districtKey FROM admin_units_legacy WHERE provinceKey = ? ORDER BY wardCode",
        (PROVINCE,),
    ):
        name, kind, code, key, district, district_kind, district_code, district_key = row
        districts[district_code] = {
            "code": district_code,
            "name": _bare(district, district_kind),
            "kind": DISTRICT_KIND[district_kind],
        }
        legacy.append(
            {
                "code": code,
                "name": _bare(name, kind),
                "kind": KIND[kind],
                "district_code": district_code,
                "successors": successors[f"{PROVINCE}_{district_key}_{key}"],
            }
        )
    elsewhere = sorted(
        {
            short
            for (short,) in db.execute(
                "SELECT DISTINCT provinceShort FROM admin_units WHERE provinceKey != ?"
                " UNION SELECT DISTINCT provinceShort FROM admin_units_legacy"
                " WHERE provinceKey != ?",
                (PROVINCE, PROVINCE),
            )
        }
    )
    return {
        "source": {
            "package": "vietnamadminunits 1.0.4 (MIT), https://github.com/tranngocminhhieu/vietnamadminunits",
            "law": "Nghị quyết 1672/NQ-UBTVQH15 ngày 16/6/2025 về sắp xếp đơn vị hành chính cấp xã"
            " tỉnh Lạng Sơn (hiệu lực từ 01/7/2025); Nghị quyết 202/2025/QH15",
            "corrections": "Xã Hồng Phong (huyện Bình Gia cũ) nay thuộc xã Hồng Phong, không"
            " thuộc xã Đồng Đăng (gói nhầm với xã Hồng Phong, huyện Cao Lộc cũ).",
        },
        "units": units,
        "districts": sorted(districts.values(), key=lambda d: d["code"]),
        "legacy": legacy,
        "elsewhere": elsewhere,
    }


def main() -> None:
    source = Path(sys.argv[1])
    if source.suffix == ".whl":
        with tempfile.TemporaryDirectory() as tmp:
            zipfile.ZipFile(source).extractall(tmp)
            data = extract(Path(tmp))
    else:
        data = extract(source)
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    split = [u["name"] for u in data["legacy"] if len(u["successors"]) > 1]  # type: ignore[union-attr, index]
    print(f"{len(data['units'])} units, {len(data['legacy'])} old communes, split: {split}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
