"""Writes for the Facebook intake. Split by topic; import from here."""

from integrations.facebook.services.ingest import (
    IngestResult,
    Observation,
    comments_ingest,
    observation_from_comment,
    observation_from_post,
    observations_from_webhook,
)
from integrations.facebook.services.pages import (
    describe_graph_error,
    graph_api_for,
    graph_api_with_token,
    page_connect,
    page_mark_needs_reauth,
    page_pause,
    page_record_error,
    page_record_usage,
    page_sync_is_due,
    pages_rotate_tokens,
)
from integrations.facebook.services.private_replies import (
    private_replies_queue,
    private_replies_requeue,
    private_reply_deliver,
)
from integrations.facebook.services.replies import replies_may_attempt_now, reply_deliver
from integrations.facebook.services.sync import SyncResult, app_paused_until, page_sync
from integrations.facebook.services.webhooks import (
    webhook_deliveries_requeue,
    webhook_delivery_process,
    webhook_delivery_store,
)

__all__ = [
    "IngestResult",
    "Observation",
    "SyncResult",
    "app_paused_until",
    "comments_ingest",
    "describe_graph_error",
    "graph_api_for",
    "graph_api_with_token",
    "observation_from_comment",
    "observation_from_post",
    "observations_from_webhook",
    "page_connect",
    "page_mark_needs_reauth",
    "page_pause",
    "page_record_error",
    "page_record_usage",
    "page_sync",
    "page_sync_is_due",
    "pages_rotate_tokens",
    "private_replies_queue",
    "private_replies_requeue",
    "private_reply_deliver",
    "replies_may_attempt_now",
    "reply_deliver",
    "webhook_deliveries_requeue",
    "webhook_delivery_process",
    "webhook_delivery_store",
]
