"""A member's voting journey over real HTTP, as a browser without JavaScript makes it.

Used by the two-server test and the fault run: GET the start page for the CSRF cookie, POST
the membership number and code, GET the ballot paper, POST the choice to the confirmation
page, POST it again with "Cast my vote", read the receipt.
Standard library only, so it runs wherever the app's own Python does.
"""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RECEIPT = re.compile(r'id="receipt-code">([^<]+)<')


@dataclass
class Reply:
    status: int
    url: str
    body: str

    @property
    def receipt(self) -> str | None:
        match = RECEIPT.search(self.body)
        return match.group(1).strip() if match else None


class Voter:
    """One member's browser: its own cookies, pointed at one server."""

    def __init__(self, base_url: str, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _send(self, path: str, data: dict | None = None) -> Reply:
        url = self.base_url + path
        body = None if data is None else urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url} if body else {})
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Reply(response.status, response.url, response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.url, error.read().decode("utf-8", "replace"))

    def get(self, path: str) -> Reply:
        return self._send(path)

    def form_token(self, path: str) -> str | None:
        """GET the page holding a form and return its CSRF token (None if the page has no form)."""
        token = CSRF_FIELD.search(self._send(path).body)
        return token.group(1) if token else None

    def submit(self, path: str, token: str, data: dict) -> Reply:
        return self._send(path, {"csrfmiddlewaretoken": token, **data})

    def post(self, path: str, data: dict) -> Reply:
        """POST a form on `path` the way a browser would: first GET it for the CSRF token."""
        token = self.form_token(path)
        if token is None:
            return self._send(path)
        return self.submit(path, token, data)

    def sign_in(self, *, ballot_id: int, membership_number: str, code: str) -> Reply:
        return self.post("/vote/", {"ballot": ballot_id, "membership_number": membership_number, "code": code})

    def choose(self, choice: str) -> Reply:
        """Mark the ballot paper and continue: the reply is the confirmation page."""
        token = self.form_token("/vote/ballot/")
        if token is None:
            return self._send("/vote/ballot/")
        return self.submit("/vote/confirm/", token, {"choice": choice})

    def cast(self, confirmation: Reply, choice: str) -> Reply:
        """Press "Cast my vote" on the confirmation page."""
        return self.submit("/vote/confirm/", self.token_in(confirmation), {"choice": choice, "cast": "1"})

    @staticmethod
    def token_in(reply: Reply) -> str:
        match = CSRF_FIELD.search(reply.body)
        return match.group(1) if match else ""

    def vote(self, *, ballot_id: int, membership_number: str, code: str, choice: str) -> Reply:
        """The whole journey; the last reply is the receipt page or the refusal."""
        reply = self.sign_in(ballot_id=ballot_id, membership_number=membership_number, code=code)
        if not reply.url.endswith("/vote/ballot/"):
            return reply
        reply = self.choose(choice)
        if "Cast my vote" not in reply.body:
            return reply
        return self.cast(reply, choice)
