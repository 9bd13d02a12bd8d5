"""Real gunicorn processes for tests that need HTTP through a real server (quizapp.testing), and a small
client for them."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

from quizapp.testing import Server, free_port

__all__ = ["Browser", "NoRedirect", "Server", "free_port"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A minimal HTTP client with cookies and CSRF tokens, talking to one server."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            response = self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=10)
            return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def get(self, path):
        return self.request(path)

    def post(self, path, data, form_page=None):
        """POST with the CSRF token of the page the form is on (as a browser would)."""
        _status, _headers, html = self.get(form_page or path)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(r'name="csrf_token" value="([^"]+)"', html)
        return self.request(path, dict(data, csrf_token=token.group(1)))
