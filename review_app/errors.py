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


class OutputError(ReviewAppError, OSError):
    """A file could not be written (no permission, disk full, a folder in the way...).

    Also an ``OSError`` (``errno``, ``strerror``, ``filename``), so code that catches OSError
    still does; ``str()`` is the one line shown to the user.
    """

    def __init__(self, errno_: int, problem: str, path: str | None = None) -> None:
        OSError.__init__(self, errno_, problem, path)
        self.problem = problem
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}" if self.path else self.problem


class StorageError(ReviewAppError):
    """The review database cannot be opened or written (read-only folder, disk full, locked,
    server gone). The message says which database and what to do; nothing half-saved remains."""


class ConfigError(InputError):
    """A setting (an environment variable such as ``REVIEW_APP_MAX_FILE_MB``) with a value the
    program cannot use. An InputError, so every place that shows input errors shows it."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
