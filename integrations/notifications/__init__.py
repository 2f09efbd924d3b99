"""Send a text to a phone or an address: an outbox of rows, delivered by tasks.

Generic on purpose: this package knows nothing about grievances (STYLE.md §1). Callers queue a
`Notification` with `notification_queue`; `notification_send_task` delivers it through the
configured adapter and retries while the gateway is down, so an outage delays messages but
never loses them.
"""
