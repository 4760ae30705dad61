"""Precision and recall of the portal parser on facts labelled by reading raw records.

A labelled fact is ``{"ma_thu_tuc", "fact", "key", "expected"}``; ``expected`` null means
the cell cannot be read with confidence, so any value the parser gives is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class FactScore:
    """How the parser did on a labelled set."""

    facts: int = 0
    given: int = 0  # facts the parser gave a value for
    correct: int = 0  # given and equal to the label
    expected: int = 0  # labels with a value
    found: int = 0  # labels with a value that the parser gave correctly
    wrong: list[dict[str, Any]] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.given if self.given else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


def _channel(record: dict[str, Any], key: str) -> dict[str, Any] | None:
    kind, _, nth = key.partition("#")
    same = [c for c in record.get("cach_thuc_thuc_hien", []) if c.get("hinh_thuc") == kind]
    index = int(nth) - 1 if nth else 0
    return same[index] if index < len(same) else None


def fact_value(record: dict[str, Any], fact: str, key: str) -> Any:
    """The parser's value for one labelled fact (``None``: no value)."""
    if fact in ("time", "fee", "fee_until"):
        channel = _channel(record, key)
        if channel is None:
            return None
        if fact == "time":
            time = channel.get("thoi_han") or {}
            if time.get("gia_tri") is None:
                return None
            value = time["gia_tri"]
            return {
                "gia_tri": int(value) if value == int(value) else value,
                "don_vi": time["don_vi"],
            }
        fees = channel.get("phi_le_phi") or []
        if not fees:
            return None
        return fees[0].get("so_tien_vnd") if fact == "fee" else fees[0].get("ap_dung_den")
    if fact == "form":
        for doc in record.get("thanh_phan_ho_so", []):
            if (doc.get("mau_don") or {}).get("ten") == key:
                return {"so_ban_chinh": doc.get("so_ban_chinh")}
        return None
    if fact == "document":
        for doc in record.get("thanh_phan_ho_so", []):
            if doc["ten_giay_to"].startswith(key):
                return {
                    "so_ban_chinh": doc.get("so_ban_chinh"),
                    "so_ban_sao": doc.get("so_ban_sao"),
                }
        return None
    if fact == "legal":
        for basis in record.get("can_cu_phap_ly", []):
            if basis["so_ky_hieu"] == key:
                return {k: v for k, v in basis.items() if k == "ngay_ban_hanh"}
        return None
    if fact == "result":
        results = record.get("ket_qua_thuc_hien") or []
        return results[0] if results else None
    if fact == "decision":
        return record.get("so_quyet_dinh_cong_bo")
    if fact == "levels":
        return record.get("cap_thuc_hien") or None
    raise ValueError(f"unknown fact kind {fact!r}")


def read_facts(path: Path) -> list[dict[str, Any]]:
    """The labelled facts of a JSONL file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def score(records: dict[str, dict[str, Any]], facts: list[dict[str, Any]]) -> FactScore:
    """Compare parsed ``records`` (by code) with the labelled ``facts``."""
    out = FactScore()
    for fact in facts:
        out.facts += 1
        record = records.get(fact["ma_thu_tuc"]) or {}
        value = fact_value(record, fact["fact"], fact["key"])
        expected = fact["expected"]
        if expected is not None:
            out.expected += 1
        if value is not None:
            out.given += 1
            if value == expected:
                out.correct += 1
                out.found += 1
            else:
                out.wrong.append({**fact, "parsed": value})
        elif expected is not None:
            out.missed.append(fact)
    return out
