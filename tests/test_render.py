"""Rendering course Markdown: citations, grouped phone numbers kept left to right, nothing else added."""

from quizapp.content.models import Source
from quizapp.content.render import render_inline


def test_citation_becomes_a_numbered_link_to_its_source():
    html = render_inline("A figure [@b].", (Source("a", "A"), Source("b", "B")))
    assert html == 'A figure <sup class="cite"><a href="#source-b" rel="noopener noreferrer">2</a></sup>.'


def test_grouped_phone_numbers_stay_left_to_right_in_any_direction():
    html = render_inline("اتصل على 116 123 أو 0800 111 0 111")
    assert '<bdi dir="ltr">116 123</bdi>' in html
    assert '<bdi dir="ltr">0800 111 0 111</bdi>' in html


def test_plain_numbers_and_links_are_left_alone():
    assert render_inline("In 2022, 53.5% of 1,010 people; call 988.") == "In 2022, 53.5% of 1,010 people; call 988."
    assert "<bdi" not in render_inline("[a link](https://example.org/12 34)")


def test_help_directive_becomes_the_renderers_safe_html_and_nothing_else_can():
    rendered = {"jp-yorisoi": '<strong>Yorisoi</strong>: <a href="tel:0120279338">0120-279-338</a>', "evil": '<script>x</script><a href="javascript:alert(1)">x</a>'}
    html = render_inline("Call {{help:jp-yorisoi}} now. {{help:evil}}", directives=rendered.get)
    assert '<strong>Yorisoi</strong>: <a href="tel:0120279338" rel="noopener noreferrer">0120-279-338</a>' in html
    assert "<script>" not in html and "javascript:" not in html
    assert render_inline("Call {{help:jp-yorisoi}} now.") == "Call  now."  # never the raw directive
