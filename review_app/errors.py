"""Error types the project raises for bad input: each names the file, the line and the problem."""

from __future__ import annotations

from dataclasses import dataclass


class ReviewAppError(Exception):
    """Base class for every error the project raises on purpose."""


@dataclass
class InputError(ReviewAppError):
    """Bad user input. ``str()`` is the one line shown to the user (CLI exit code 2, a message in the app)."""

    problem: str
    path: str | None = None
    line: int | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f", line {self.line}"
            where += ": "
        return where + self.problem
