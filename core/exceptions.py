from typing import Any


class ApplicationError(Exception):
    """A business rule said no. The message is translated and safe to show to the user."""

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
