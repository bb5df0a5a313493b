"""A member's voting journey over real HTTP, as a browser without JavaScript makes it.

Used by the two-server test and the fault run. The voting pages keep nothing on the server
between steps: each page carries the checked number and code to the next in a hidden `token`
field, and each form post is answered with the next page itself, never a redirect. So:

    sign in = GET /vote/ (the CSRF cookie and token), POST /vote/ (number and code): the paper;
    choose  = POST /vote/confirm/ (the paper's token and the choice): the confirmation page;
    cast    = POST /vote/confirm/ (its token, the choice, cast=1): the receipt, or "already voted".

`Voter` is one browser (urllib, a cookie jar, a connection per request), for the tests and
the fault run; `KeepAliveClient` serves the load bench, where many members' browsers share a
few keep-alive connections. Standard library only, so it runs wherever the app's own Python does.
"""

import http.client
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_FIELD = re.compile(r'name="token" value="([^"]+)"')
RECEIPT = re.compile(r'id="receipt-code">([^<]+)<')
CAST_BUTTON = 'name="cast" value="1"'
PAPER_HEADING = "<h1>Your ballot paper</h1>"
HEADING = re.compile(r"<h1>([^<]*)</h1>")


@dataclass
class Reply:
    status: int
    url: str
    body: str

    @property
    def receipt(self) -> str | None:
        match = RECEIPT.search(self.body)
        return match.group(1).strip() if match else None

    @property
    def token(self) -> str | None:
        """The vote token the page carries to the next step (None on a page without one)."""
        match = TOKEN_FIELD.search(self.body)
        return match.group(1) if match else None

    @property
    def csrf_token(self) -> str | None:
        match = CSRF_FIELD.search(self.body)
        return match.group(1) if match else None

    @property
    def heading(self) -> str:
        """The page's <h1>, to name it in a report."""
        match = HEADING.search(self.body)
        return match.group(1).strip() if match else ""

    @property
    def is_paper(self) -> bool:
        return PAPER_HEADING in self.body and self.token is not None

    @property
    def offers_cast(self) -> bool:
        """A page with "Cast my vote": the confirmation, or the 503 page asking to cast again."""
        return CAST_BUTTON in self.body and self.token is not None


class Voter:
    """One member's browser: its own cookies (only the CSRF cookie), pointed at one server.

    `on_reply`, if given, is called with every reply, so a caller can check every page a
    member was shown, not only the last; `requests` counts the requests made.
    """

    def __init__(self, base_url: str, timeout: float = 30, on_reply: Callable[[Reply], None] | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.on_reply = on_reply
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf_token: str | None = None
        self.requests = 0

    def _send(self, path: str, data: dict | None = None) -> Reply:
        url = self.base_url + path
        body = None if data is None else urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url} if body else {})
        self.requests += 1
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                reply = Reply(response.status, response.url, response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            reply = Reply(error.code, error.url, error.read().decode("utf-8", "replace"))
        # Every voting form carries the CSRF token; keep the latest, as the browser's page would.
        self.csrf_token = reply.csrf_token or self.csrf_token
        if self.on_reply is not None:
            self.on_reply(reply)
        return reply

    def get(self, path: str) -> Reply:
        return self._send(path)

    def submit(self, path: str, data: dict) -> Reply:
        """POST a form with the CSRF token of the last page seen (GET /vote/ first if none was)."""
        if self.csrf_token is None:
            self._send("/vote/")
        return self._send(path, {"csrfmiddlewaretoken": self.csrf_token or "", **data})

    def sign_in(self, *, ballot_id: int, membership_number: str, code: str) -> Reply:
        """GET /vote/ and POST the number and code: the reply is the ballot paper, or the start page again."""
        start = self._send("/vote/")
        if start.csrf_token is None:
            return start  # no form to fill in (an error page): the member cannot go on from it
        return self.submit("/vote/", {"ballot": ballot_id, "membership_number": membership_number, "code": code})

    def choose(self, paper: Reply, choice: str) -> Reply:
        """Mark the ballot paper and continue: the reply is the confirmation page."""
        return self.submit("/vote/confirm/", {"token": paper.token or "", "choice": choice})

    def cast(self, confirmation: Reply, choice: str) -> Reply:
        """Press "Cast my vote" on the confirmation page (or on the page asking to cast again)."""
        return self.submit("/vote/confirm/", {"token": confirmation.token or "", "choice": choice, "cast": "1"})

    def vote(self, *, ballot_id: int, membership_number: str, code: str, choice: str) -> Reply:
        """The whole journey; the last reply is the receipt page, a refusal or an error page."""
        reply = self.sign_in(ballot_id=ballot_id, membership_number=membership_number, code=code)
        if not reply.is_paper:
            return reply
        reply = self.choose(reply, choice)
        if not reply.offers_cast:
            return reply
        return self.cast(reply, choice)


class KeepAliveClient:
    """For the load bench: one keep-alive connection per thread to one port, each request
    carrying the cookies of the browser it is made for (a dict), which it updates."""

    def __init__(self, port):
        self.port = port
        self.local = threading.local()

    def _connection(self, fresh=False):
        connection = getattr(self.local, "connection", None)
        if connection is None or fresh:
            if connection is not None:
                connection.close()
            connection = self.local.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        return connection

    def request(self, method, path, *, jar=None, form=None):
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if jar:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in jar.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            connection = self._connection(fresh=attempt == 2)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection before reading the request.
                if attempt == 2:
                    raise
        if jar is not None:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if value in ("", '""'):
                    jar.pop(name, None)
                else:
                    jar[name] = value
        return response.status, response.headers, data.decode("utf-8", errors="replace")
