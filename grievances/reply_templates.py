"""Starting texts for public replies, in the citizen's language. The officer edits them."""

from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grievances.models import Grievance

# Where a template leaves the officer something to write (in every language's text). A reply
# still holding it is not sent (officer_forms.ReplyForm).
PLACEHOLDER = "…"


@dataclass(frozen=True)
class ReplyTemplate:
    key: str
    label: str | Promise


REPLY_TEMPLATES = [
    ReplyTemplate("acknowledgement", _("Acknowledgement")),
    ReplyTemplate("interim", _("Interim update")),
    ReplyTemplate("resolution", _("Resolution")),
]


def reply_template_text(key: str, grievance: Grievance) -> str:
    """The template `key` filled in for `grievance`, or "" for an unknown key."""
    values = {"code": grievance.tracking_code}
    with translation.override(grievance.language or "bn"):
        values["office"] = grievance.office.name
        texts = {
            "acknowledgement": gettext(
                "Thank you. Your grievance has been received with tracking code %(code)s. "
                "%(office)s will look into it and keep you informed."
            ),
            "interim": gettext(
                "Update on grievance %(code)s: %(office)s is still working on it. "
                "We will let you know as soon as there is progress."
            ),
            "resolution": gettext(
                "Grievance %(code)s: %(office)s has taken the following action: … "
                "If the problem is not solved, you can reopen or appeal from the tracking page."
            ),
        }
        text = texts.get(key, "")
    return text % values if text else ""
