"""Start the fake Graph API server: `python -m integrations.facebook.fake_server --help`.

The fake lives in the `integrations.facebook.fake` package (see its docstring); this module
keeps the command line and the old import path working.
"""

from integrations.facebook.fake import FakeGraphApi, FakeGraphServer, FaultRule, make_server
from integrations.facebook.fake.cli import LiveCitizens, main
from integrations.facebook.fake.webhooks import WebhookSender

__all__ = [
    "FakeGraphApi",
    "FakeGraphServer",
    "FaultRule",
    "LiveCitizens",
    "WebhookSender",
    "main",
    "make_server",
]

if __name__ == "__main__":
    main()
