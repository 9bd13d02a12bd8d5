"""Help entries in the page's language: every claim (hours, cost, audience, languages, source) is worded from
the entry's own data, so the page never says more than ``help.yml`` holds.

Translations are text: each sentence is escaped before its parameters (numbers, links) are put in, as in the
templates (see ``install_escaped_gettext``).
"""

import datetime
from dataclasses import dataclass

from babel import Locale
from babel.dates import format_skeleton, format_time, get_day_names, get_timezone_location
from babel.lists import format_list
from flask_babel import format_date, get_locale, gettext, pgettext
from markupsafe import Markup, escape

from ..content.help import UNDATED


def sentence(message: str, **params) -> Markup:
    """A translated sentence as safe HTML: the translation escaped, then ``params`` (escaped unless Markup)."""
    return Markup(escape(message)) % params if params else Markup(escape(message))


def markup_list(items, style: str = "standard") -> Markup:
    """Safe HTML items joined the CLDR way for the page's language ("a, b and c", "a、b、c")."""
    items = list(items)
    tokens = [f"\x00{index}\x00" for index in range(len(items))]
    joined = escape(format_list(tokens, style=style, locale=get_locale())) if items else Markup("")
    for token, item in zip(tokens, items, strict=True):
        joined = Markup(str(joined).replace(token, str(escape(item))))
    return joined


def ltr(value: str) -> Markup:
    """A number or time range that must read left to right inside any paragraph (Arabic included)."""
    return Markup('<bdi dir="ltr">%s</bdi>') % value


def service_names() -> dict[str, str]:
    """Emergency services by key, in the page's language."""
    return {
        # i18n: after an emergency number: "110 (police)".
        "police": gettext("police"),
        # i18n: after an emergency number: "119 (ambulance, fire)".
        "ambulance": gettext("ambulance"),
        # i18n: after an emergency number: "119 (ambulance, fire)".
        "fire": gettext("fire"),
    }


def contact_label(contact) -> str:
    """What to do with a contact: call, text, WhatsApp, chat, website."""
    return {
        # i18n: label before a help line's phone number.
        "phone": gettext("Call"),
        "sms": pgettext("send an SMS", "Text"),
        # i18n: label before a help line's WhatsApp number; keep the brand name.
        "whatsapp": gettext("WhatsApp"),
        # i18n: label before a help line's chat address.
        "chat": gettext("Chat"),
        # i18n: label before a help line's website.
        "web": gettext("Website"),
    }[contact.kind]


def contact_link(contact) -> Markup:
    """The contact as a link that dials, texts or opens it; a text keyword is said in words."""
    link = Markup('<a href="%s" dir="ltr">%s</a>') % (contact.href, contact.value)
    if contact.kind == "sms" and contact.keyword:
        # i18n: %(keyword)s is the word to send (for example HOME) and %(number)s the number to send it to.
        return sentence(gettext("Text %(keyword)s to %(number)s"), keyword=Markup('<strong dir="ltr">%s</strong>') % contact.keyword, number=link)
    return link


def cost_text(cost: str | None) -> str:
    """Free, charged, or not confirmed: never assumed."""
    if cost == "free":
        # i18n: the cost of contacting a help line.
        return gettext("Free")
    if cost == "charged":
        # i18n: the cost of contacting a help line.
        return gettext("You pay for the call")
    # i18n: no source says whether contacting this help line costs money.
    return gettext("Cost not confirmed")


def emergency_numbers(entries, localize=None) -> list[dict]:
    """Each emergency number of a country with the services it reaches and its note."""
    names = service_names()
    numbers = []
    for entry in entries:
        for contact in entry.contacts:
            services = format_list([names[s] for s in contact.services], locale=get_locale()) if contact.services else ""
            note = localize.text(contact.note) if localize and contact.note else None
            region = localize.text(entry.region) if localize and entry.region else None
            numbers.append({"contact": contact, "link": contact_link(contact), "services": services, "note": note, "region": region, "entry": entry})
    return numbers


def days_text(days: tuple[int, ...]) -> str:
    """Every day, a range of days (Monday to Friday) or a list of days, with CLDR's day names."""
    if sorted(days) == list(range(7)):
        # i18n: opening hours on every day of the week.
        return gettext("Every day")
    names = get_day_names("wide", "stand-alone", locale=get_locale())
    consecutive = all((b - a) % 7 == 1 for a, b in zip(days, days[1:], strict=False))
    if len(days) >= 3 and consecutive:
        # i18n: a range of days, for example "Monday to Friday".
        return gettext("%(first)s to %(last)s", first=names[days[0]], last=names[days[-1]])
    return format_list([names[day] for day in days], locale=get_locale())


def _time(value: str) -> str:
    hour, minute = (int(part) for part in value.split(":"))
    return format_time(datetime.time(hour % 24, minute), "short", locale=get_locale())


def hours_text(hours) -> Markup | None:
    """The opening hours as a sentence, or None when no source confirms them."""
    if hours is None:
        return None
    if hours.always:
        # i18n: a help line that answers at any time.
        return sentence(gettext("24 hours a day, every day"))
    periods = [
        # i18n: opening hours on some days: "Monday to Friday, 08:30–17:15".
        sentence(gettext("%(days)s, %(times)s"), days=days_text(period.days), times=ltr(f"{_time(period.start)}–{_time(period.end)}"))
        for period in hours.periods
    ]
    zone = get_timezone_location(hours.time_zone, locale=get_locale(), return_city=False)
    # i18n: opening hours and their time zone: "Every day, 16:00–21:00 (Japan Time)".
    return sentence(gettext("%(hours)s (%(zone)s)"), hours=Markup("; ").join(periods), zone=zone)


def audience_text(audience) -> str | None:
    """Who the service is for, from the entry's data."""
    if audience is None:
        return None
    if audience.everyone:
        # i18n: who a help line is for.
        return gettext("For everyone")
    low, high = audience.min_age, audience.max_age
    if low and high:
        # i18n: who a help line is for: "For ages 12 to 25".
        text = gettext("For ages %(low)s to %(high)s", low=low, high=high)
    elif high:
        # i18n: who a help line is for: "For ages up to 18".
        text = gettext("For ages up to %(high)s", high=high)
    elif low:
        # i18n: who a help line is for: "For ages 18 and over".
        text = gettext("For ages %(low)s and over", low=low)
    else:
        # i18n: who a help line is for, when the source gives no ages.
        text = gettext("For children and young people")
    if audience.carers:
        # i18n: added after who a help line is for.
        text = gettext("%(audience)s, and for adults worried about them", audience=text)
    return text


def language_names(tags) -> str | None:
    """The languages a service answers in, named in the page's language by CLDR."""
    if not tags:
        return None
    locale = get_locale()
    return format_list([Locale.parse(tag, sep="-").get_display_name(locale) or tag for tag in tags], locale=locale)


def format_partial_date(value: str) -> str:
    """Format ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` with the precision it has, in the page's locale."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 3:
        return format_date(datetime.date(*parts), "long")
    if len(parts) == 2:
        return format_skeleton("yMMMM", datetime.date(parts[0], parts[1], 1), locale=get_locale())
    return format_skeleton("y", datetime.date(parts[0], 1, 1), locale=get_locale())


def source_text(entry) -> Markup:
    """Where the entry comes from and how old that is: "checked on" only after a person checked it live."""
    host = entry.source.split("//", 1)[-1].split("/", 1)[0].removeprefix("www.")
    link = Markup('<a href="%s" rel="noopener noreferrer" dir="ltr">%s</a>') % (entry.source, host)
    if entry.checked_on:
        # i18n: a person called or visited the service on this date; %(source)s is a link.
        return sentence(gettext("Checked on %(date)s. Source: %(source)s"), date=format_partial_date(entry.checked_on), source=link)
    if entry.source_date == UNDATED:
        # i18n: %(source)s is a link to a page that shows no date. Nobody has checked the service live.
        return sentence(gettext("Source: %(source)s (undated)"), source=link)
    # i18n: %(date)s is the date the source page showed; nobody has checked the service live since.
    return sentence(gettext("Source: %(source)s, dated %(date)s"), source=link, date=format_partial_date(entry.source_date))


@dataclass(frozen=True)
class EntryView:
    """A help entry as the page shows it."""

    entry: object
    name: object  # Localized or None
    description: object
    region: object
    contacts: list
    hours: Markup | None
    hours_note: object
    audience: str | None
    languages: str | None
    source: Markup


def entry_view(entry, localize) -> EntryView:
    """The entry in the page's language."""
    return EntryView(
        entry=entry,
        name=localize.text(entry.name),
        description=localize.text(entry.description),
        region=localize.text(entry.region),
        contacts=[
            {"contact": contact, "label": contact_label(contact), "link": contact_link(contact), "cost": cost_text(contact.cost) if contact.kind in ("phone", "sms", "whatsapp") else None, "note": localize.text(contact.note)}
            for contact in entry.contacts
        ],
        hours=hours_text(entry.hours),
        hours_note=localize.text(entry.hours.note) if entry.hours else None,
        audience=audience_text(entry.audience),
        languages=language_names(entry.languages),
        source=source_text(entry),
    )
