"""An officer in Bangla: sign in, answer a Facebook grievance, resolve a web grievance.

The Facebook grievance comes from the fake Graph server over HTTP: the page's comment is read
by `page_sync`, and the officer's public reply goes back under that comment (Celery is eager,
so delivery runs in the request's on_commit). Screenshots go to artifacts/screenshots/.
"""

import pytest

from core.digits import to_bangla_digits
from grievances.models import (
    Feedback,
    Grievance,
    GrievanceEvent,
    GrievanceStatus,
    Reply,
    ReplyState,
)
from grievances.services import grievance_create
from integrations.facebook.models import FacebookComment
from integrations.facebook.services import page_sync
from offices.models import OfficeRole
from tests.browser.conftest import PHONE
from tests.integrations.facebook.conftest import (  # noqa: F401 -- fixtures used by name
    CITIZEN,
    PAGE_ID,
    PAGE_TOKEN,
    T0,
    fake_graph,
    fake_server,
)
from tests.integrations.facebook.factories import FacebookPageFactory
from tests.offices.factories import OfficeMembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests"  # UserFactory's password
OFFICER_NAME = "নাসরিন আক্তার"
COMPLAINT = "আমাদের পাড়ার রাস্তার বাতি দুই সপ্তাহ ধরে নষ্ট। রাতে চলাফেরা করা কঠিন।"
REPLY = "আপনার অভিযোগটি বিদ্যুৎ বিভাগে পাঠানো হয়েছে। এক সপ্তাহের মধ্যে বাতি ঠিক করা হবে।"
FB_ANSWER = "বিদ্যুৎ বিভাগ আজ রাস্তার সব বাতি বদলে দিয়েছে।"
WEB_COMPLAINT = "ইউনিয়ন পরিষদের সামনের নালা বন্ধ, পানি জমে থাকে।"
WEB_ANSWER = "নালা পরিষ্কার করা হয়েছে এবং নতুন ঢাকনা বসানো হয়েছে।"


@pytest.fixture
def officer_user(office):
    """An officer (no two-factor needed) of the Dhaka DC office, with a Bangla name."""
    membership = OfficeMembershipFactory(
        office=office,
        role=OfficeRole.OFFICER,
        user__username="nasrin",
        user__first_name=OFFICER_NAME,
    )
    return membership.user


@pytest.fixture
def facebook_comment(settings, office, fake_graph, fake_server):  # noqa: F811
    """A citizen's comment on the office's page, read from the fake server by `page_sync`."""
    settings.FACEBOOK_GRAPH_URL = f"{fake_server.base_url}/"
    settings.FACEBOOK_GRAPH_TIMEOUT = 2.0
    settings.FACEBOOK_REPLY_CHECK_DELAY_SECONDS = 0
    page = FacebookPageFactory(office=office, page_id=PAGE_ID, token=PAGE_TOKEN)
    post = fake_graph.add_post(PAGE_ID, message="জেলা প্রশাসনের নোটিশ", created_time=T0)
    comment_id = fake_graph.add_comment(
        post, message=COMPLAINT, from_id=CITIZEN[0], created_time=T0
    )

    result = page_sync(page=page)  # over HTTP, as the beat would

    assert result.completed, result.error
    # Replies are matched by time against our clock: let Facebook's clock run like ours.
    fake_graph.state.clock.unfreeze()
    return FacebookComment.objects.select_related("grievance").get(graph_id=comment_id)


def _sign_in(page, user) -> None:  # type: ignore[no-untyped-def]
    """From the inbox URL through the sign-in page (the header has its own buttons)."""
    page.goto("/officer/")
    page.wait_for_url("**/accounts/login/**")
    main = page.locator("main")
    main.locator("#id_username").fill(user.username)
    main.locator("#id_password").fill(PASSWORD)
    main.get_by_role("button", name="লগইন করুন").click()
    page.wait_for_url("**/officer/")


def _open_from_inbox(page, grievance) -> None:  # type: ignore[no-untyped-def]
    code_bn = to_bangla_digits(grievance.tracking_code)
    page.locator("main .inbox-list").get_by_role("link", name=code_bn, exact=True).click()
    page.wait_for_url(f"**/officer/grievances/{grievance.pk}/")
    assert page.locator("main h1").inner_text().strip() == code_bn


def _action(page, title: str):  # type: ignore[no-untyped-def]
    """Open one of the grievance page's action panels (a <details>) by its summary."""
    panel = page.locator("main details.action").filter(has=page.locator("summary", has_text=title))
    panel.locator("summary").click()
    return panel


def _submit(page, panel, button: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        panel.get_by_role("button", name=button, exact=True).click()


def _status(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("main article.grievance .status").inner_text().strip()


def _accept_and_take(page, user, screenshot, prefix: str) -> None:  # type: ignore[no-untyped-def]
    accept = _action(page, "অভিযোগ হিসেবে গ্রহণ করুন")
    screenshot(page, f"{prefix}-accept-open")
    _submit(page, accept, "গ্রহণ করুন")
    assert _status(page) == "গৃহীত"
    screenshot(page, f"{prefix}-accepted")

    assign = _action(page, "সহকর্মীকে দায়িত্ব দিন")
    assign.locator("select[name=assignee]").select_option(str(user.pk))
    _submit(page, assign, "দায়িত্ব দিন")
    assert _status(page) == "কাজ চলছে"
    assert OFFICER_NAME in page.locator("main article.grievance dl.facts").inner_text()
    screenshot(page, f"{prefix}-assigned")


def _resolve(page, answer: str, screenshot, prefix: str) -> None:  # type: ignore[no-untyped-def]
    resolve = _action(page, "ফলাফলসহ নিষ্পত্তি করুন")
    resolve.locator("select[name=outcome]").select_option("service_provided")
    resolve.locator("textarea[name=note]").fill(answer)
    screenshot(page, f"{prefix}-resolve-filled")
    _submit(page, resolve, "নিষ্পত্তি করুন")
    assert _status(page) == "নিষ্পন্ন"
    assert "সেবা প্রদান করা হয়েছে" in page.locator("main article.grievance dl.facts").inner_text()
    screenshot(page, f"{prefix}-resolved")


def test_an_officer_answers_a_facebook_grievance_under_the_citizens_comment(
    phone,
    screenshot,
    officer_user,
    facebook_comment,
    fake_graph,  # noqa: F811
):
    page = phone
    grievance = facebook_comment.grievance
    assert grievance.channel == "facebook_comment"
    assert grievance.status == GrievanceStatus.NEW

    _sign_in(page, officer_user)
    main = page.locator("main")
    row = main.locator(".inbox-row").filter(has_text=to_bangla_digits(grievance.tracking_code))
    assert "ফেসবুক মন্তব্য" in row.inner_text()
    screenshot(page, "01-inbox")

    _open_from_inbox(page, grievance)
    assert COMPLAINT in main.inner_text()
    screenshot(page, "02-grievance")

    _accept_and_take(page, officer_user, screenshot, "03")

    # The composer: preview first (the privacy check finds nothing), then send. On a Facebook
    # grievance the answer goes under the citizen's comment unless the officer unticks it.
    replies = page.locator("#replies")
    replies.get_by_label("প্রকাশ্য উত্তর").fill(REPLY)
    assert replies.get_by_label("নাগরিকের ফেসবুক মন্তব্যের নিচেও প্রকাশ করুন").is_checked()
    with page.expect_navigation():
        replies.get_by_role("button", name="প্রিভিউ").click()
    assert REPLY in replies.locator(".preview").inner_text()
    assert replies.get_by_role("alert").count() == 0
    assert replies.get_by_label("নাগরিকের ফেসবুক মন্তব্যের নিচেও প্রকাশ করুন").is_checked()
    screenshot(page, "04-reply-preview")
    with page.expect_navigation():
        replies.get_by_role("button", name="পাঠান", exact=True).click()

    sent = replies.locator("li.reply").filter(has_text=REPLY)
    assert sent.count() == 1
    assert "পাঠানো হয়েছে" in sent.locator(".meta").inner_text()
    screenshot(page, "05-reply-sent")

    posted = [
        c for c in fake_graph.replies_by_page(PAGE_ID) if c.parent_id == facebook_comment.graph_id
    ]
    assert [c.message for c in posted] == [REPLY]
    reply = Reply.objects.get(grievance=grievance)
    assert reply.state == ReplyState.SENT
    assert reply.to_facebook
    assert reply.external_id == posted[0].id

    _resolve(page, FB_ANSWER, screenshot, "06")

    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.RESOLVED
    assert grievance.outcome == "service_provided"
    assert grievance.outcome_note == FB_ANSWER
    assert grievance.assigned_to_id == officer_user.pk
    # Resolving posts nothing more under the comment.
    assert len(fake_graph.replies_by_page(PAGE_ID)) == 1


def test_an_officer_resolves_a_web_grievance_and_the_citizen_confirms_it_fixed(
    browser, live_server, phone, screenshot, office, officer_user
):
    grievance, key = grievance_create(office=office, channel="web", description=WEB_COMPLAINT)
    page = phone

    _sign_in(page, officer_user)
    screenshot(page, "01-inbox")
    _open_from_inbox(page, grievance)
    assert WEB_COMPLAINT in page.locator("main").inner_text()
    _accept_and_take(page, officer_user, screenshot, "02")
    _resolve(page, WEB_ANSWER, screenshot, "03")
    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.RESOLVED

    # The citizen, on their own phone, with the private link they were given when filing.
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="bn-BD",
        base_url=live_server.url,
    )
    citizen = context.new_page()
    citizen.set_default_timeout(15_000)
    try:
        citizen.goto(f"/track/{grievance.tracking_code}/?key={key}")
        assert WEB_ANSWER in citizen.content()
        screenshot(citizen, "04-citizen-resolved")

        form = citizen.locator("#feedback")
        form.get_by_role("radio", name="হ্যাঁ", exact=True).check()
        form.get_by_role("radio", name="৫", exact=True).check()
        form.get_by_label("মন্তব্য (ঐচ্ছিক)").fill("এখন আর পানি জমে না, ধন্যবাদ।")
        screenshot(citizen, "05-feedback-filled")
        form.get_by_role("button", name="মতামত পাঠান").click()
        citizen.get_by_text("আপনার মতামতের জন্য ধন্যবাদ।").wait_for()
        assert "বন্ধ" in citizen.locator("main .status").first.inner_text()
        screenshot(citizen, "06-feedback-sent")
    finally:
        context.close()

    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.CLOSED
    feedback = Feedback.objects.get(grievance=grievance)
    assert feedback.is_fixed
    assert feedback.rating == 5
    event = GrievanceEvent.objects.get(grievance=grievance, kind=GrievanceEvent.Kind.FEEDBACK)
    assert event.data["is_fixed"] is True
    assert Grievance.objects.filter(pk=grievance.pk, closed_at__isnull=False).exists()


def test_a_facebook_citizens_hoy_nai_under_the_answer_reopens_the_grievance(
    settings,
    live_server,
    phone,
    screenshot,
    officer_user,
    facebook_comment,
    fake_graph,  # noqa: F811
    fake_server,  # noqa: F811
):
    """The office answers under the comment by default; the citizen writes "hoy nai" under
    that answer on Facebook; Facebook's signed webhook reaches the portal; the officer finds
    the grievance back in progress with the citizen's answer in its timeline."""
    from django.urls import reverse

    from integrations.facebook.fake.webhooks import WebhookSender
    from tests.integrations.facebook.conftest import APP_SECRET

    settings.FACEBOOK_APP_SECRET = APP_SECRET
    fake_server.webhooks = WebhookSender(
        fake_graph.state, f"{live_server.url}{reverse('facebook:webhook')}", app_secret=APP_SECRET
    )
    page = phone
    grievance = facebook_comment.grievance

    _sign_in(page, officer_user)
    _open_from_inbox(page, grievance)
    _accept_and_take(page, officer_user, screenshot, "01")
    _resolve(page, FB_ANSWER, screenshot, "02")

    # The answer goes under the citizen's comment (ticked by default) and asks them to say,
    # under it, whether it was fixed.
    replies = page.locator("#replies")
    replies.get_by_label("প্রকাশ্য উত্তর").fill(FB_ANSWER)
    assert replies.get_by_label("নাগরিকের ফেসবুক মন্তব্যের নিচেও প্রকাশ করুন").is_checked()
    with page.expect_navigation():
        replies.get_by_role("button", name="প্রিভিউ").click()
    with page.expect_navigation():
        replies.get_by_role("button", name="পাঠান", exact=True).click()
    ours = Reply.objects.get(grievance=grievance)
    assert ours.state == ReplyState.SENT
    under_comment = fake_graph.state.comments[ours.external_id]
    assert under_comment.parent_id == facebook_comment.graph_id
    assert "হ্যাঁ, ঠিক হয়েছে" in under_comment.message
    screenshot(page, "03-answered-on-facebook")

    # The citizen answers on Facebook, under the office's answer.
    fake_graph.add_comment(
        ours.external_id, message="hoy nai", from_id=CITIZEN[0], from_name=CITIZEN[1]
    )
    assert fake_server.webhooks.wait_idle(10)
    # One delivery for the page's own answer (Facebook sends those too), one for the citizen's.
    assert [d.status for d in fake_server.webhooks.deliveries] == [200, 200]

    page.reload()
    assert _status(page) == "কাজ চলছে"
    timeline = page.locator("main").inner_text()
    assert "hoy nai" in timeline
    screenshot(page, "04-reopened")

    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.IN_PROGRESS
    feedback = Feedback.objects.get(grievance=grievance)
    assert feedback.is_fixed is False
