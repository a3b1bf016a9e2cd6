"""Markdown in notes and prep fields: what renders, and that nothing active ever survives."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coffeechat.core.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    LINK_REL,
    render,
)

LINK = f'rel="{LINK_REL}"'
# A URL's scheme as a browser reads it: control characters and spaces do not count.
SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
IGNORED_IN_URLS = re.compile(r"[\x00-\x20]")


class _Audit(HTMLParser):
    """Collects every tag and attribute of a fragment, the way a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def problems(html: str) -> list[str]:
    """Everything in ``html`` outside the allow-list; an empty list means it is safe to show."""
    audit = _Audit()
    audit.feed(html)
    audit.close()
    found = []
    for tag, attrs in audit.tags:
        if tag not in ALLOWED_TAGS:
            found.append(f"tag <{tag}>")
            continue
        for name, value in attrs:
            if name == "rel" and tag == "a":
                if value != LINK_REL:
                    found.append(f"rel={value!r}")
            elif name not in ALLOWED_ATTRIBUTES.get(tag, frozenset()):
                found.append(f"attribute {name} on <{tag}>")
            elif name == "href":
                scheme = SCHEME.match(IGNORED_IN_URLS.sub("", value or "").lower())
                if scheme and scheme[1] not in ALLOWED_URL_SCHEMES:
                    found.append(f"href scheme {scheme[1]!r}")
            elif name == "start" and not (value or "").isdigit():
                found.append(f"start={value!r}")
    return found


def test_the_audit_itself_catches_what_it_must():
    # The checks below are only as good as this auditor, so it is checked on raw, unsafe HTML.
    assert problems("<script>x</script>") == ["tag <script>"]
    assert problems('<p onclick="x">y</p>') == ["attribute onclick on <p>"]
    assert problems('<a href=" JAVA\tscript:x">y</a>') == ["href scheme 'javascript'"]
    assert problems('<a href="/notes?at=10:30" rel="nofollow">y</a>') == ["rel='nofollow'"]


# --- Plain Markdown renders as a user expects -------------------------------------------------


def test_emphasis_and_strong_render():
    assert render("*quietly* **loudly**") == "<p><em>quietly</em> <strong>loudly</strong></p>"


def test_a_bulleted_list_renders_as_a_list():
    assert render("- one\n- two") == "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"


def test_a_numbered_list_keeps_its_starting_number():
    assert render("3. three\n4. four").startswith('<ol start="3">')


def test_a_link_opens_nothing_behind_it_and_passes_no_referrer():
    html = render('[their blog](https://example.com/post "A post")')
    assert html == (
        f'<p><a href="https://example.com/post" title="A post" {LINK}>their blog</a></p>'
    )


def test_mailto_links_are_kept():
    assert 'href="mailto:ada@example.com"' in render("<mailto:ada@example.com>")


def test_code_and_quotes_render():
    html = render("> they said\n\n```\nx < 1\n```\n\nrun `make`")
    assert "<blockquote>" in html
    assert "<pre><code>x &lt; 1\n</code></pre>" in html
    assert "<code>make</code>" in html


def test_headings_are_demoted_below_the_pages_own():
    assert (
        render("# Big\n## Smaller\n#### Small") == "<h3>Big</h3>\n<h4>Smaller</h4>\n<h6>Small</h6>"
    )


def test_an_image_stays_a_link_and_loads_nothing():
    html = render("![logo](https://tracker.example/pixel.png)")
    assert "<img" not in html
    assert 'href="https://tracker.example/pixel.png"' in html


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_blank_text_renders_to_nothing(text):
    assert render(text) == ""


def test_a_line_break_inside_a_paragraph_is_kept_as_typed():
    # CommonMark joins soft breaks; the words stay on their own lines in the source, not the page.
    assert render("first\nsecond") == "<p>first\nsecond</p>"


# --- Nothing active survives ------------------------------------------------------------------

DANGEROUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="#" onclick="alert(1)">click</a>',
    "<body onload=alert(1)>",
    '<p onmouseover="alert(1)">hover</p>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<svg><script>alert(1)</script></svg>",
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    "<div>\n<script>alert(1)</script>\n</div>",
    "<!-- <script>alert(1)</script> -->",
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name=x></form>',
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<<script>script>alert(1)<</script>/script>",
]


@pytest.mark.parametrize("payload", DANGEROUS)
def test_raw_html_is_shown_as_text_never_as_markup(payload):
    html = render(payload)
    assert problems(html) == []
    assert "<script" not in html.lower()


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x]( javascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript&#58;alert(1))",
        "[x](javascript&colon;alert(1))",
        "[x](<javascript:alert(1)>)",
        "<javascript:alert(1)>",
        "[x](vbscript:msgbox(1))",
        "[x](VBScript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](DATA:text/html,<script>alert(1)</script>)",
        "[x](file:///etc/passwd)",
        "[x]: javascript:alert(1)\n\n[x]",
        "![x](javascript:alert(1))",
    ],
)
def test_dangerous_link_schemes_never_become_links(link):
    html = render(link)
    assert problems(html) == []
    assert "href=" not in html


def test_a_percent_encoded_scheme_is_only_a_relative_path():
    # Browsers do not decode %6A in a scheme, so this is a harmless relative link at worst.
    html = render("[x](%6Aavascript:alert(1))")
    assert "javascript:" not in html.lower()
    assert problems(html) == []


# --- Generated documents ----------------------------------------------------------------------

MARKDOWN_BITS = st.sampled_from(
    [
        "*",
        "**",
        "_",
        "`",
        "```\n",
        "# ",
        "## ",
        "- ",
        "1. ",
        "> ",
        "\n",
        "\n\n",
        "[",
        "](",
        ")",
        "<",
        ">",
        "&",
        "&#",
        ";",
        '"',
        "'",
        "=",
        " ",
        "    ",
        "---",
        "![",
        "[ref]: ",
    ]
)
HTML_BITS = st.sampled_from(
    [
        "<script>",
        "</script>",
        "<img src=x ",
        "onerror=",
        " onclick=",
        " onload=",
        "<svg>",
        "<iframe ",
        "style=",
        "<a href=",
        "<div>",
        "</div>",
        "<p ",
        "<!--",
        "-->",
        "<![CDATA[",
        "<math>",
        "<base href=",
        "<object ",
        "<details open ontoggle=",
    ]
)
PAYLOADS = st.sampled_from(
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\nscript:alert(1)",
        "&#106;avascript&#58;alert(1)",
        "&#x6a;&#x61;vascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "\x00javascript:alert(1)",
        "https://example.com/ok",
        "mailto:ada@example.com",
    ]
)
DOCUMENTS = st.lists(
    st.one_of(MARKDOWN_BITS, HTML_BITS, PAYLOADS, st.text(max_size=6)), max_size=40
).map("".join)


@settings(max_examples=400, deadline=None)
@given(DOCUMENTS)
def test_no_generated_document_renders_anything_outside_the_allow_list(text):
    html = render(text)
    assert problems(html) == []
    # Escaped text such as "&lt;script" is harmless; a real tag would start with "<".
    assert "<script" not in html.lower()


@settings(max_examples=200, deadline=None)
@given(DOCUMENTS)
def test_rendering_twice_gives_the_same_html(text):
    assert render(text) == render(text)
