"""A small browser for the system tests: cookies, CSRF tokens, every status recorded.

Loopback only and no redirects followed silently: each hop's status is kept, so a test can say
"no 5xx anywhere" and not only "the last page was fine".
"""

from __future__ import annotations

import html
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_TRACKING_CODE = re.compile(r"\b([A-Z]{3}-\d{4}-\d{5})\b")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Page:
    status: int
    url: str
    text: str
    location: str = ""


@dataclass
class WebClient:
    base_url: str
    timeout: float = 30.0
    statuses: list[tuple[str, str, int]] = field(default_factory=list)  # (method, path, status)

    def __post_init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(self.jar),
            _NoRedirect(),
        )

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> Page:
        url = urllib.parse.urljoin(self.base_url, path)
        body = None if data is None else urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 -- loopback
        request.add_header("Referer", self.base_url)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                page = Page(response.status, url, response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as exc:
            text = exc.read().decode("utf-8", "replace")
            page = Page(exc.code, url, text, exc.headers.get("Location", ""))
        except OSError:  # refused, reset, timed out: as bad as a 5xx for the person waiting
            page = Page(599, url, "")
        self.statuses.append((method, urllib.parse.urlsplit(url).path, page.status))
        return page

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post_form(self, form_path: str, data: dict[str, str], action: str = "") -> Page:
        """GET the page with the form for its CSRF token, POST `data` to `action` (or the same
        path), and follow one redirect."""
        form = self.get(form_path)
        token = _CSRF.search(form.text)
        if token is None:
            return form
        page = self.request(
            "POST", action or form_path, {"csrfmiddlewaretoken": token.group(1), **data}
        )
        if page.status in (301, 302, 303) and page.location:
            return self.get(page.location)
        return page

    @property
    def server_errors(self) -> list[tuple[str, str, int]]:
        return [entry for entry in self.statuses if entry[2] >= 500]


def select_options(text: str, name: str) -> list[str]:
    """The non-empty option values of `<select name=NAME>` in `text`."""
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', text, re.S)
    if match is None:
        return []
    values = re.findall(r'<option[^>]*value="([^"]*)"', match.group(1))
    return [html.unescape(v) for v in values if v]


def tracking_code(text: str) -> str | None:
    match = _TRACKING_CODE.search(text)
    return match.group(1) if match else None
