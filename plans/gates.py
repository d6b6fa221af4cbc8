"""Stage gates: a stage completes only when every check registered for it passes.

The app that owns a fact registers the check from its `AppConfig.ready()`, so `plans`
never imports the apps above it:

    register_gate(5, every_commitment_approved)

A check takes the plan and returns a list of human-readable problems (empty = passes).
"""

from collections import defaultdict
from collections.abc import Callable

GateCheck = Callable[["ActionPlan"], list[str]]  # noqa: F821 - avoid importing models here

_gates: dict[int, list[GateCheck]] = defaultdict(list)


def register_gate(stage_number: int, check: GateCheck) -> None:
    if check not in _gates[stage_number]:
        _gates[stage_number].append(check)


def gate_problems(plan, stage_number: int) -> list[str]:
    """Everything that stops `stage_number` of `plan` from completing."""
    problems: list[str] = []
    for check in _gates[stage_number]:
        problems.extend(check(plan))
    return problems
