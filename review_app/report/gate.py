"""The CI gate: ``--fail-under BLEU=30 --fail-over TER=60 --max-findings glossary=0``.

A condition is ``[SYSTEM:]NAME=VALUE``: NAME is a metric as sacrebleu displays it (BLEU, chrF2,
chrF2++, TER; the ids bleu, chrf, chrf++, ter work too) or, for ``--max-findings``, a check name or
prefix (``glossary`` matches ``glossary``, ``glossary.variant``, ``glossary-missing``...; ``all``
counts every finding). SYSTEM (a shell pattern: ``Online-*``) limits it to some systems; without it
every system of every corpus must pass. Bad conditions are input errors (exit 2); failed ones are
listed one line each (exit 1).
"""

from __future__ import annotations

import fnmatch
import math
from dataclasses import dataclass, field
from typing import Sequence

from review_app.errors import InputError
from review_app.report.model import CorpusReport
from review_app.scoring.metrics import LOWER_IS_BETTER, METRIC_IDS, MetricOptions, metric_name

FAIL_UNDER = "fail-under"
FAIL_OVER = "fail-over"
MAX_FINDINGS = "max-findings"
ALL_CHECKS = ("all", "*")
PREFIX_SEPARATORS = ".:/-_ "


@dataclass(frozen=True)
class Condition:
    kind: str  # fail-under, fail-over, max-findings
    target: str  # a metric id, or a check name / prefix
    threshold: float
    system: str | None = None  # shell pattern
    raw: str = ""

    @property
    def option(self) -> str:
        return f"--{self.kind} {self.raw}"

    def applies_to(self, system: str) -> bool:
        return self.system is None or fnmatch.fnmatchcase(system, self.system)


@dataclass(frozen=True)
class Failure:
    corpus: str
    system: str
    condition: Condition
    value: float
    message: str


@dataclass
class GateResult:
    conditions: list[Condition]
    failures: list[Failure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict:
        return {
            "passed": self.passed,
            "conditions": [c.option for c in self.conditions],
            "failures": [
                {"corpus": f.corpus, "system": f.system, "condition": f.condition.option,
                 "value": f.value, "threshold": f.condition.threshold, "message": f.message}
                for f in self.failures
            ],
        }


def metric_aliases(options: MetricOptions) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for metric_id in METRIC_IDS:
        aliases[metric_id.lower()] = metric_id
        aliases[metric_name(metric_id, options).lower()] = metric_id
    aliases.setdefault("chrf2", "chrf")
    aliases.setdefault("chrf2++", "chrf++")
    return aliases


def split_condition(raw: str, kind: str) -> tuple[str | None, str, str]:
    left, equals, value = raw.rpartition("=")
    if not equals or not left.strip() or not value.strip():
        raise InputError(f"--{kind} {raw!r}: expected NAME=VALUE (e.g. {example(kind)})")
    system, colon, name = left.rpartition(":")
    if colon and not system.strip():
        raise InputError(f"--{kind} {raw!r}: empty system name before ':'")
    return (system.strip() or None), name.strip(), value.strip()


def example(kind: str) -> str:
    return {"fail-under": "BLEU=30", "fail-over": "TER=60", "max-findings": "glossary=0"}[kind]


def parse_conditions(
    fail_under: Sequence[str] = (),
    fail_over: Sequence[str] = (),
    max_findings: Sequence[str] = (),
    *,
    metric_ids: Sequence[str] = METRIC_IDS,
    options: MetricOptions = MetricOptions(),
) -> list[Condition]:
    aliases = metric_aliases(options)
    known = ", ".join(metric_name(m, options) for m in METRIC_IDS)
    conditions: list[Condition] = []
    for kind, values in ((FAIL_UNDER, fail_under), (FAIL_OVER, fail_over)):
        for raw in values:
            system, name, value = split_condition(raw, kind)
            metric_id = aliases.get(name.lower())
            if metric_id is None:
                raise InputError(f"--{kind} {raw!r}: unknown metric {name!r} (choose from {known})")
            lower_better = metric_id in LOWER_IS_BETTER
            if kind == FAIL_UNDER and lower_better:
                raise InputError(f"--{kind} {raw!r}: lower {name} is better; use --fail-over {name}={value}")
            if kind == FAIL_OVER and not lower_better:
                raise InputError(f"--{kind} {raw!r}: higher {name} is better; use --fail-under {name}={value}")
            if metric_id not in metric_ids:
                raise InputError(
                    f"--{kind} {raw!r}: {metric_name(metric_id, options)} is not computed "
                    f"(add it to --metrics)"
                )
            conditions.append(Condition(kind, metric_id, parse_number(value, raw, kind), system, raw))
    for raw in max_findings:
        system, name, value = split_condition(raw, MAX_FINDINGS)
        number = parse_number(value, raw, MAX_FINDINGS)
        if number < 0 or number != int(number):
            raise InputError(f"--max-findings {raw!r}: the limit must be a whole number of findings, 0 or more")
        conditions.append(Condition(MAX_FINDINGS, name, float(int(number)), system, raw))
    return conditions


def parse_number(value: str, raw: str, kind: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"--{kind} {raw!r}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise InputError(f"--{kind} {raw!r}: {value!r} is not a finite number")
    return number


def check_systems(conditions: Sequence[Condition], system_names: Sequence[str]) -> None:
    """A condition naming systems must match at least one (a typo must not pass the gate silently)."""
    for condition in conditions:
        if condition.system and not any(condition.applies_to(name) for name in system_names):
            raise InputError(f"{condition.option}: no system named {condition.system!r} in any corpus")


def matches_check(check: str, target: str) -> bool:
    check, target = check.lower(), target.lower()
    if target in ALL_CHECKS:
        return True
    return check == target or (check.startswith(target) and check[len(target)] in PREFIX_SEPARATORS)


def show(value: float, threshold: float) -> str:
    """Two decimals, more if rounding would make the value look equal to the threshold."""
    for digits in (2, 4, 6):
        text = f"{value:.{digits}f}"
        if float(text) != threshold:
            return text
    return repr(value)


def evaluate(conditions: Sequence[Condition], corpora: Sequence[CorpusReport]) -> GateResult:
    result = GateResult(list(conditions))
    for condition in conditions:
        for corpus in corpora:
            for system in corpus.systems:
                if not condition.applies_to(system.name):
                    continue
                failure = check_one(condition, corpus, system)
                if failure:
                    result.failures.append(failure)
    return result


def check_one(condition: Condition, corpus: CorpusReport, system) -> Failure | None:
    where = f"{corpus.name} / {system.name}"
    if condition.kind == MAX_FINDINGS:
        if corpus.checks != "ran":
            return Failure(corpus.name, system.name, condition, math.nan,
                           f"{where}: findings not counted ({corpus.checks}) ({condition.option})")
        count = sum(n for check, n in system.findings_by_check.items() if matches_check(check, condition.target))
        if count > condition.threshold:
            label = "findings" if condition.target.lower() in ALL_CHECKS else f"{condition.target} findings"
            return Failure(corpus.name, system.name, condition, count,
                           f"{where}: {count} {label}, more than {int(condition.threshold)} ({condition.option})")
        return None
    value = system.scores[condition.target]
    name = corpus.metric_names[condition.target]
    if condition.kind == FAIL_UNDER and value < condition.threshold:
        return Failure(corpus.name, system.name, condition, value,
                       f"{where}: {name} {show(value, condition.threshold)} < {condition.threshold:g} ({condition.option})")
    if condition.kind == FAIL_OVER and value > condition.threshold:
        return Failure(corpus.name, system.name, condition, value,
                       f"{where}: {name} {show(value, condition.threshold)} > {condition.threshold:g} ({condition.option})")
    return None
