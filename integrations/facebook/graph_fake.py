"""The in-memory fake, kept importable from its old path; it lives in `integrations.facebook.fake`."""

from integrations.facebook.fake import FakeGraphApi, FakeGraphState, dump_state, load_seed

__all__ = ["FakeGraphApi", "FakeGraphState", "dump_state", "load_seed"]
