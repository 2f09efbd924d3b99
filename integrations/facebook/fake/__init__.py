"""The fake Facebook: in memory (`FakeGraphApi`) and over HTTP (`FakeGraphServer`).

`FakeGraphApi` implements `graph.GraphApi` directly over a `FakeGraphState`: pages, users,
tokens, posts, comments, private replies, webhook subscriptions and a clock. The fake HTTP
server (`FakeGraphServer`) serves the *same* state object in Graph's wire format, and both the
in-memory adapter and the server build their answers with the renderers of `render.py`, so
the two fakes cannot drift apart.

In-process (pytest) you seed and break a `FakeGraphApi` directly:

    fake = FakeGraphApi()
    fake.add_page("104512345678901", name="DC Office", access_token="page-token")
    post_id = fake.add_post("104512345678901", message="Notice")
    fake.add_comment(post_id, message="Road broken", from_id="7012345678901234")
    fake.next_error = GraphTransientError("down")   # raised once, by either adapter

`fake.with_token(token)` gives an adapter that acts with `token` (validated like Graph does);
the unscoped object acts as an all-powerful page token of whichever page owns the object.
Citizen actions (`add_comment`, `edit_comment`, `delete_comment`, `set_hidden`) notify
`state.listeners`, which the fake server uses to send webhooks.

Behaviour follows graph-api.md; choices where Graph is unconfirmed are marked "UNCONFIRMED".

The HTTP server is standard library only and has no Django, so it starts instantly:

    python -m integrations.facebook.fake_server --host 127.0.0.1 --port 8088 \\
        --seed integrations/facebook/fake_seed.json \\
        [--webhook-url http://127.0.0.1:8000/integrations/facebook/webhook/ \\
         --app-secret S --verify-token T] [--live-rate 5] [--require-proof]

It serves a `FakeGraphState` -- the same store `FakeGraphApi` implements the port
over -- in Graph's wire format: versioned or unversioned paths, token checks (and optionally
required `appsecret_proof`), `fields` with field expansion, cursor and time paging with opaque
base64url cursors and `paging.next` links built like Meta's (with `access_token` and
`pretty=0`, without `appsecret_proof`), Graph's headers including usage headers, and Graph's
error envelopes. Facebook Login is faked just enough for the page-connection flow:
`GET /dialog/oauth` redirects straight back with `code=fake-code-{user id}`, and
`GET /oauth/access_token` exchanges that code (or `fb_exchange_token`) for the user's token.
In tests use `make_server(fake, port=0)` and `serve_forever` in a thread.

Control API (project-defined, not Meta's), JSON in and out:

    POST /__fake/reset                 empty the store (body {"seed": true} reloads the seed)
    POST /__fake/seed                  merge a seed (fake_seed.json format)
    GET  /__fake/dump                  the whole store in the seed format
    POST /__fake/events                citizen actions: {"type": "comment"|"edit"|"delete"|
                                       "hide"|"unhide"|"post", ..., "webhook": true}; or
                                       {"events": [...], "batch": true, "order": "reverse"}
    GET/POST/DELETE /__fake/faults     fault rules (see FaultRule), list / add / clear
    GET/DELETE /__fake/requests        request log (method, path, query, form, headers)
    POST /__fake/clock                 {"freeze": iso|null, "advance": seconds, "real": true}
    POST /__fake/config                {"require_appsecret_proof", "served_version",
                                       "app_secret", "page_usage_header", "link_base",
                                       "paging_mode": {page: "cursor"|"time"},
                                       "moderate": {token: bool}, "revoke": {token: subcode},
                                       "webhook_url", "verify_token", "escape_slashes",
                                       "duplicate_probability", "require_subscription"}
    GET/POST /__fake/webhooks          delivery log / {"action": "handshake"|"send"|"flush"}

Fault rules match on method, path regex (version stripped), page id and query parameters,
and fire once, `times` times, from the `nth` match on, and/or with a `probability`. Actions
cover every intake/reply scenario F1-F42, F50 and F51 of graph-api.md §10.2 (see ACTIONS);
webhook scenarios F43-F49 are options of the webhook sender.

Layout (each module depends only on the ones above it):

    errors.py         Graph's error envelopes (graph-api.md §5) as `FakeGraphFailure`
    fields.py         the `fields` grammar (§2.4) and opaque cursors
    records.py        what the store holds: pages, users, tokens, posts, comments, a clock
    state.py          `FakeGraphState`, the store: lookups, token checks, usage, Page writes
    render.py         Graph's JSON for the store's objects
    seed.py           the `fake_seed.json` format, in and out
    adapter.py        `FakeGraphApi`, the in-memory adapter of the port
    exchange_base.py  one HTTP request's data; `Answer`
    faults.py         `FaultRule` (§10.2) and the answers faults give up front
    lists.py          list edges: cursor and time paging, `paging.next` links
    routes.py         which path and method do what
    exchange.py       one request end to end: faults, auth, routing, headers
    webhooks.py       `WebhookSender`, the fake acting as Meta (§4, F43-F49)
    control.py        the `/__fake/...` control API
    server.py         `FakeGraphServer`, `make_server`
    cli.py            `python -m integrations.facebook.fake_server` and the live demo mode

Only tests, the demo tooling and the fake server's own command line import this package;
product code reaches Facebook through `graph.GraphApi` and `graph_http.HttpGraphApi`.
"""

from integrations.facebook.fake.adapter import FakeGraphApi
from integrations.facebook.fake.faults import FaultRule
from integrations.facebook.fake.seed import dump_state, load_seed
from integrations.facebook.fake.server import FakeGraphServer, make_server
from integrations.facebook.fake.state import FakeGraphState
from integrations.facebook.fake.webhooks import WebhookSender

__all__ = [
    "FakeGraphApi",
    "FakeGraphServer",
    "FakeGraphState",
    "FaultRule",
    "WebhookSender",
    "dump_state",
    "load_seed",
    "make_server",
]
