"""``--compare-to OLD.json``: what got better or worse since a previous run, per system and metric.

OLD.json is a previous report's JSON (``report.json``) or the ``score --format json`` output of
one corpus. Corpora are matched by name, systems by name, metrics by sacrebleu's display name; a
metric whose signature changed (another tokenizer, say) is compared but flagged, since its numbers
are not comparable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from review_app.errors import InputError
from review_app.report.model import CorpusReport
from review_app.scoring.metrics import LOWER_IS_BETTER
from review_app.textio import load_json, read_text

# Changes smaller than this show as unchanged (they round to 0.00).
SAME = 0.005


@dataclass(frozen=True)
class Change:
    system: str
    metric_id: str
    name: str
    old: float
    new: float
    signature_changed: bool = False

    @property
    def delta(self) -> float:
        return self.new - self.old

    @property
    def direction(self) -> str:
        """better, worse or same, with TER's lower-is-better taken into account."""
        if abs(self.delta) < SAME:
            return "same"
        improved = self.delta < 0 if self.metric_id in LOWER_IS_BETTER else self.delta > 0
        return "better" if improved else "worse"


@dataclass(frozen=True)
class FindingsChange:
    system: str
    old: int
    new: int

    @property
    def delta(self) -> int:
        return self.new - self.old

    @property
    def direction(self) -> str:
        return "same" if self.delta == 0 else ("better" if self.delta < 0 else "worse")


@dataclass
class CorpusComparison:
    corpus: str
    found: bool  # the corpus is in OLD.json
    changes: list[Change] = field(default_factory=list)
    findings: list[FindingsChange] = field(default_factory=list)
    new_systems: list[str] = field(default_factory=list)
    removed_systems: list[str] = field(default_factory=list)
    missing_metrics: list[str] = field(default_factory=list)  # computed now, not in OLD.json

    def change(self, system: str, metric_id: str) -> Change | None:
        for change in self.changes:
            if change.system == system and change.metric_id == metric_id:
                return change
        return None

    def findings_change(self, system: str) -> FindingsChange | None:
        for change in self.findings:
            if change.system == system:
                return change
        return None

    def to_dict(self) -> dict:
        return {
            "in_previous": self.found,
            "changes": [
                {"system": c.system, "metric": c.name, "old": c.old, "new": c.new, "delta": c.delta,
                 "direction": c.direction, **({"signature_changed": True} if c.signature_changed else {})}
                for c in self.changes
            ],
            "findings": [
                {"system": f.system, "old": f.old, "new": f.new, "delta": f.delta, "direction": f.direction}
                for f in self.findings
            ],
            "new_systems": self.new_systems,
            "removed_systems": self.removed_systems,
            "metrics_not_in_previous": self.missing_metrics,
        }


def load_previous(path: str) -> dict[str, dict]:
    """OLD.json as {corpus name: corpus dict (scores_to_dict layout, maybe with findings_summary)}."""
    if not Path(path).exists():
        raise InputError("file not found (--compare-to)", path)
    data = load_json(read_text(path), f"{path} (--compare-to)")
    if isinstance(data, dict) and isinstance(data.get("corpora"), list):
        corpora = data["corpora"]
    elif isinstance(data, dict) and "systems" in data:
        corpora = [data]
    else:
        raise InputError("not a report JSON nor a 'score --format json' output (--compare-to)", path)
    out: dict[str, dict] = {}
    for corpus in corpora:
        if not (isinstance(corpus, dict) and isinstance(corpus.get("systems"), list)):
            raise InputError("a corpus entry has no 'systems' list (--compare-to)", path)
        out[str(corpus.get("corpus", ""))] = corpus
    return out


def old_findings(corpus: dict, system: str) -> int | None:
    summary = corpus.get("findings_summary")
    if isinstance(summary, dict) and summary.get("checks") == "ran":
        entry = summary.get("by_system", {}).get(system)
        return int(entry.get("total", 0)) if isinstance(entry, dict) else 0
    findings = corpus.get("findings")
    if isinstance(findings, list):
        return sum(1 for f in findings if isinstance(f, dict) and f.get("system") == system)
    return None


def compare(report: CorpusReport, previous: dict[str, dict]) -> CorpusComparison:
    old = previous.get(report.name)
    comparison = CorpusComparison(report.name, old is not None)
    if old is None:
        return comparison
    old_systems = {str(s.get("name")): s for s in old.get("systems", []) if isinstance(s, dict)}
    names_now = [s.name for s in report.systems]
    comparison.new_systems = [n for n in names_now if n not in old_systems]
    comparison.removed_systems = [n for n in old_systems if n not in names_now]
    missing = set()
    for system in report.systems:
        before = old_systems.get(system.name)
        if before is None:
            continue
        scores = before.get("scores", {}) or {}
        signatures = before.get("signatures", {}) or {}
        for metric_id in report.metric_ids:
            name = report.metric_names[metric_id]
            value = scores.get(name)
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                missing.add(name)
                continue
            changed = name in signatures and signatures[name] != system.signatures.get(metric_id)
            comparison.changes.append(Change(system.name, metric_id, name, float(value), system.scores[metric_id], changed))
        if report.checks == "ran":
            count = old_findings(old, system.name)
            if count is not None:
                comparison.findings.append(FindingsChange(system.name, count, system.findings_total))
    comparison.missing_metrics = sorted(missing)
    return comparison
