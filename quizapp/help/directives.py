"""Rendering ``{{help:…}}`` directives of lessons, quizzes and notes from ``help.yml``.

The content layer stays free of Flask: the repository calls ``HelpDirectives.renderer`` for each language and
country it renders, and ``country`` for the request's country (see ``quizapp.content.directives``).
"""

from flask import g, has_request_context, url_for
from flask_babel import force_locale, gettext
from markupsafe import Markup

from ..content.directives import ROLE_DIRECTIVES
from .choice import request_country
from .countries import country_names
from .present import contact_link, emergency_numbers, markup_list, sentence


class HelpDirectives:
    """What the content repository asks of the help feature."""

    def country(self) -> str | None:
        """The country to show role directives for: the session's on its pages, else the visitor's."""
        if not has_request_context():
            return None
        from flask_babel import get_locale

        g.help_country_used = True  # the page now depends on the visitor's cookies and languages
        countries = country_names(get_locale())
        if g.get("session_country") in countries:
            return g.session_country
        return request_country(countries)[0]

    def renderer(self, library, localize, country: str | None):
        """A function turning a directive target into safe HTML in ``localize``'s language."""

        def render(target: str) -> Markup:
            with force_locale(localize.language.babel_id):
                if target in ROLE_DIRECTIVES:
                    entries = [entry for entry in library.help_lines.get(country, ()) if entry.role == target]
                    if not entries:
                        return help_page_link(target)
                    if target == "emergency":
                        return emergency_inline(entries)
                    return markup_list((entry_inline(entry, localize) for entry in entries), style="standard")
                entry = library.help_entry(target)
                return entry_inline(entry, localize) if entry else help_page_link(target)

        return render


def help_page_link(target: str) -> Markup:
    """Where the learner's own numbers are, when their country is unknown or has no such entry."""
    # i18n: shown in a lesson where a help number would be, when we do not know the learner's country.
    text = gettext("find it on the Help page") if target == "emergency" else gettext("find them on the Help page")
    href = url_for("help.index") if has_request_context() else "/help"
    return Markup('<a href="%s">%s</a>') % (href, text)


def emergency_inline(entries) -> Markup:
    """``110 (police), 119 (ambulance and fire)``, each number a link."""
    parts = []
    for number in emergency_numbers(entries):
        if number["services"]:
            # i18n: an emergency number and what it reaches: "119 (ambulance and fire)".
            parts.append(sentence(gettext("%(number)s (%(services)s)"), number=number["link"], services=number["services"]))
        else:
            parts.append(number["link"])
    return markup_list(parts, style="standard")


def entry_inline(entry, localize) -> Markup:
    """``**Yorisoi Hotline**: 0120-279-338`` with every contact a link."""
    name = localize.text(entry.name)
    contacts = markup_list(inline_contacts(entry, localize), style="or")
    if name is None:
        return contacts
    # i18n: a help line named in a lesson: "Yorisoi Hotline: 0120-279-338".
    return sentence(gettext("%(name)s: %(contacts)s"), name=Markup("<strong>%s</strong>") % name.html, contacts=contacts)


def inline_contacts(entry, localize) -> list[Markup]:
    """The numbers of an entry for a sentence: "988 (call or text)", "Text AYUDA to 988", "WhatsApp 300 754 8933".
    Chat and web addresses stay on the help page, unless the entry has nothing else."""
    numbers = [contact for contact in entry.contacts if contact.kind in ("phone", "sms", "whatsapp")]
    if not numbers:
        return [contact_link(contact) for contact in entry.contacts]
    plain_texts = {contact.href.removeprefix("sms:") for contact in numbers if contact.kind == "sms" and not contact.keyword}
    parts = []
    for contact in numbers:
        link = contact_link(contact)
        if contact.kind == "phone" and contact.href.removeprefix("tel:") in plain_texts:
            # i18n: a number that takes calls and text messages, in a lesson: "988 (call or text)".
            parts.append(sentence(gettext("%(number)s (call or text)"), number=link))
        elif contact.kind == "sms" and not contact.keyword:
            if any(other.kind == "phone" and other.href.removeprefix("tel:") == contact.href.removeprefix("sms:") for other in numbers):
                continue
            # i18n: a number to send a text message to, in a lesson: "text 234".
            parts.append(sentence(gettext("text %(number)s"), number=link))
        elif contact.kind == "whatsapp":
            # i18n: a WhatsApp number, in a lesson; keep the brand name.
            parts.append(sentence(gettext("WhatsApp %(number)s"), number=link))
        else:
            parts.append(link)
        if contact.note and parts and contact.kind != "sms":
            parts[-1] = Markup("%s (%s)") % (parts[-1], localize.text(contact.note).html)
    return parts
