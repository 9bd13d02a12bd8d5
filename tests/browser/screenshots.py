"""`make screenshots`: every page type in English, Japanese and Arabic at a phone's and a laptop's width,
as full-page PNGs, to look at a change the way visitors will see it.

    python -m tests.browser.screenshots [--out screenshots] [--pages library,report] [--languages en,ja]
                                        [--widths 360,1280] [--color-scheme dark]

Files are named <page type>-<language>-<width>.png (…-dark.png in dark mode). The app runs under gunicorn on a throwaway database
seeded by tests/browser/page_catalogue.py; Debian's Chromium takes the pictures. Japanese and Arabic need
fonts on this machine (`make screenshots` installs Debian's Noto CJK and Noto Arabic): the pages themselves
never download a font.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from .conftest import CHROMIUM, CHROMIUM_ARGS
from .page_catalogue import PAGE_TYPES, seed, serving

LANGUAGES = ("en", "ja", "ar")
WIDTHS = (360, 1280)
HEIGHT = 800


def take(base_url: str, catalogue, out: Path, languages=LANGUAGES, widths=WIDTHS, color_scheme="light") -> list[Path]:
    """Screenshot every page of ``catalogue`` in every language and width; return the files written."""
    suffix = "" if color_scheme == "light" else f"-{color_scheme}"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width in widths:
            visitor = browser.new_context(base_url=base_url, viewport={"width": width, "height": HEIGHT}, color_scheme=color_scheme)
            teacher = browser.new_context(base_url=base_url, viewport={"width": width, "height": HEIGHT}, color_scheme=color_scheme)
            if catalogue.cookies:
                teacher.add_cookies(catalogue.cookies)
            tabs = {False: visitor.new_page(), True: teacher.new_page()}
            for name in catalogue.pages:
                tab = tabs[name in catalogue.teacher]
                for tag in languages:
                    tab.goto(catalogue.url(name, tag))  # after the load event: styles and the icon sprite are in
                    tab.evaluate("document.fonts.ready.then(() => true)")
                    path = out / f"{name}-{tag}-{width}{suffix}.png"
                    tab.screenshot(path=path, full_page=True)
                    written.append(path)
            visitor.close()
            teacher.close()
        browser.close()
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="screenshots", type=Path, help="folder for the PNG files (git-ignored)")
    parser.add_argument("--pages", default=",".join(PAGE_TYPES), help=f"page types, comma-separated: {', '.join(PAGE_TYPES)}")
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--widths", default=",".join(map(str, WIDTHS)))
    parser.add_argument("--color-scheme", default="light", choices=("light", "dark"))
    args = parser.parse_args(argv)
    pages = [name for name in args.pages.split(",") if name]
    unknown = sorted(set(pages) - set(PAGE_TYPES))
    if unknown:
        parser.error(f"unknown page types: {', '.join(unknown)}")
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as workdir, serving(Path(workdir)) as server:
        catalogue = seed(server.url, pages)
        written = take(server.url, catalogue, args.out, args.languages.split(","), [int(width) for width in args.widths.split(",")], args.color_scheme)
    print(f"{len(written)} screenshots in {args.out}/ ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
