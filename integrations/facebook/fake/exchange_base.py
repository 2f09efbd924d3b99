"""What one Graph API request carries, shared by the routes, the lists and the answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from integrations.facebook.fake.records import FakeContext

if TYPE_CHECKING:
    from integrations.facebook.fake.faults import FaultRule
    from integrations.facebook.fake.server import GraphRequestHandler


@dataclass
class Answer:
    """What goes back to the client: a status, a JSON-able body (or raw bytes), headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class ExchangeBase:
    """One Graph API request's data and the fault rule that fired for it, if any."""

    def __init__(
        self,
        handler: GraphRequestHandler,
        method: str,
        version: str,
        segments: list[str],
        params: dict[str, str],
        query: dict[str, str],
    ) -> None:
        self.handler = handler
        self.server = handler.server
        self.state = handler.server.state
        self.method = method
        self.version = version
        self.segments = segments
        self.params = params
        self.query = query
        self.path = "/" + "/".join(segments)
        self.ctx = FakeContext()
        self.rule: FaultRule | None = None
        self.created_id = ""

    def action(self, *names: str) -> bool:
        return self.rule is not None and self.rule.action in names

    def param(self, key: str, default: Any = None) -> Any:
        return self.rule.params.get(key, default) if self.rule else default
