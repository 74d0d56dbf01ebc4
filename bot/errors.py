"""Domain errors. Each carries a message id (translated when shown) and its parameters, and the one
`@app.error` handler turns it into an ephemeral message in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


def N_(message: str) -> str:
    """Marks a message for translation where it is defined; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Refusal:
    """The audit entry a refused attempt leaves. Domain functions do not commit, so a refusal travels
    with its error and the edge that undoes the rest of the unit of work writes it down."""

    actor: str | None
    action: str
    subject: str
    detail: str | None = None
    at: datetime | None = None  # when it was refused; the edge's clock otherwise


class PfpError(Exception):
    """A problem the person can act on; `message` says what happened and what to do next."""

    def __init__(self, message: str, *, refusal: Refusal | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params
        self.refusal = refusal


class NotAuthorised(PfpError):
    pass


class Conflict(PfpError):
    """The request clashes with what is already recorded (a second registration, a decided request)."""


class NotFound(PfpError):
    pass


class FieldErrors(Exception):
    """Invalid modal input: block ID -> (message id, parameters), sent back as `response_action: errors`."""

    def __init__(self, errors: dict[str, tuple[str, dict[str, Any]]]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors
