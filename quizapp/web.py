"""What every localized page shares: the ``/<lang>/`` prefix, the language cookie, the root redirect, and
the few helpers every feature's routes use (URL tokens, the "tampered" page, ``|inline``)."""

import re

from flask import Blueprint, g, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .i18n import LANGUAGE_COOKIE, languages, negotiate_language
from .security import cookies_secure

bp = Blueprint("web", __name__)

ONE_YEAR = 365 * 24 * 3600
# The random tokens in learners' URLs (quiz attempts, classroom seats, projector links): what
# ``secrets.token_urlsafe`` makes, no longer than their columns. Anything else is a 404 before any query.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,32}$")


@bp.route("/")
def root():
    """Send the visitor to their language: remembered, else negotiated from Accept-Language."""
    response = redirect(url_for("library.index", lang=negotiate_language()))
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def localized_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint whose routes all live under ``/<lang>/``."""
    blueprint = Blueprint(name, import_name, url_prefix="/<lang:lang>", template_folder="templates")
    blueprint.url_value_preprocessor(pull_language)
    blueprint.url_defaults(add_language)
    blueprint.after_request(remember_language)
    return blueprint


def pull_language(endpoint, values) -> None:
    """Take the language out of the URL values and make it the request's language."""
    g.language = languages()[values.pop("lang")]


def add_language(endpoint, values) -> None:
    """Keep the current language when building URLs, unless another is asked for."""
    if "lang" not in values and g.get("language"):
        values["lang"] = g.language.tag


def remember_language(response):
    """Remember the visitor's choice so ``/`` brings them back to it (an offered language only: a look at
    an incubating one, by its address, does not make it the visitor's language)."""
    tag = g.language.tag
    if g.language.offered and request.cookies.get(LANGUAGE_COOKIE) != tag:
        response.set_cookie(
            LANGUAGE_COOKIE,
            tag,
            max_age=ONE_YEAR,
            samesite="Lax",
            secure=cookies_secure(),
            httponly=True,
        )
    return response


def same_page_in(tag: str) -> str:
    """The URL of the current page in another language (the library index if there is no page)."""
    # Every page links to itself in each offered language (the menu and the hreflang links, twenty times a
    # page): build its URL once and swap the language segment, which is always the first after the root.
    here = g.get("same_page")
    if here is None:
        here = g.same_page = split_same_page()
    if here is False:
        return build_same_page(tag) if has_language_segment() else url_for("library.index", lang=tag)
    root, rest = here
    return f"{root}/{tag}/{rest}"


def split_same_page():
    """(mount point, the rest after the language segment) of the current page's URL, or False when the page
    has no language segment or its URL does not start with one."""
    if not has_language_segment():
        return False
    here, prefix = build_same_page(g.language.tag), f"{request.script_root}/{g.language.tag}/"
    return (request.script_root, here[len(prefix) :]) if here.startswith(prefix) else False


def has_language_segment() -> bool:
    return bool(request.endpoint and request.url_rule and "lang" in request.url_rule.arguments)


def build_same_page(tag: str) -> str:
    values = dict(request.view_args or {}, lang=tag)
    # The query string is the visitor's: it never overrides the page's own values, nor url_for's
    # _anchor, _external, _method or _scheme.
    query = {name: value for name, value in request.args.items() if name not in values and not name.startswith("_")}
    return url_for(request.endpoint, **values, **query)


MAX_FIXED_URLS = 4096


def install_fixed_urls(app) -> None:
    """Templates' ``url_for``, remembering the URLs that only a deploy can change: a static file's (its name
    carries its content's fingerprint, which costs a ``stat``) and an endpoint's without arguments (the
    library, help, join and teacher links on every page), per language and mount point. A page builds a
    dozen of these; anything else (a token, a lesson id) is built as usual. Not in debug, where a static
    file may change under a running server."""
    if app.debug:
        return
    build = app.url_for
    fixed: dict[tuple, str] = {}

    def template_url_for(endpoint: str, **values) -> str:
        if endpoint.startswith(".") or not has_request_context() or not (endpoint == "static" and values.keys() == {"filename"} or not values):
            return build(endpoint, **values)
        language = g.get("language")
        key = (endpoint, values.get("filename"), language.tag if language else None, request.script_root)
        url = fixed.get(key)
        if url is None:
            if len(fixed) > MAX_FIXED_URLS:  # only a proxy sending ever new mount points could get here
                fixed.clear()
            url = fixed[key] = build(endpoint, **values)
        return url

    app.jinja_env.globals["url_for"] = template_url_for


@bp.app_context_processor
def inject_page_helpers():
    """Helpers every template needs."""
    return {"same_page_in": same_page_in}


@bp.app_template_filter("inline")
def inline_html(localized) -> Markup:
    """``{{ localized|inline }}``: a content unit as inline HTML; an untranslated one keeps its language
    and says so."""
    if localized.translated:
        return localized.html
    mark = escape(_("not yet translated"))
    return Markup(f'<span lang="{localized.lang}" dir="{localized.dir}" class="untranslated">{localized.html}</span> <span class="untranslated-mark">{mark}</span>')


def tampered_response():
    """A submission our pages could not have produced (a quiz's or a session's): nothing is stored."""
    message = _("Some answers did not match this quiz, so nothing was saved. Please reload the page and try again.")
    return render_template("error.html", title=_("Please try again"), message=message), 400
