"""An article inside an element that usually holds none (an unclosed <nav>, an <aside>
that broken markup wraps the page in, a <noscript> of a page written by scripts) is
kept; the same elements holding page furniture are still dropped. Ruby readings do not
split the words they annotate."""

from __future__ import annotations

from scraper import extract_html

SENTENCE = ("The council said on Tuesday that the new rules, drafted over two years with "
            "residents and businesses, would take effect in the spring, and that it "
            "expected the first results by the end of the year.")
BODY = "".join(f"<p>Body paragraph {i}: {SENTENCE}</p>" for i in range(1, 6))
MENU = ("<ul class='menu'><li><a href='/news'>News</a></li><li><a href='/sport'>Sport</a>"
        "</li><li><a href='/opinion'>Opinion</a></li></ul>")


def body_paragraphs(html: str) -> list[str]:
    return [p for p in extract_html(html).text.split("\n\n") if p.startswith("Body paragraph")]


def test_an_unclosed_nav_that_swallows_the_article_keeps_it() -> None:
    html = ("<html><body><header><nav class='navbar'>" + MENU +
            f"<main><article><h1>Council adopts new rules</h1>{BODY}</article></main>"
            "</body></html>")  # the <nav> is never closed: it holds the whole page
    assert len(body_paragraphs(html)) == 5
    assert "Opinion" not in extract_html(html).text


def test_an_aside_wrapping_the_article_keeps_it_and_a_real_aside_goes() -> None:
    html = ("<html><body><aside class='sidebar'><div class='sidebar-sticky'>"
            f"<article><h1>Council adopts new rules</h1>{BODY}</article></div></aside>"
            "</body></html>")
    assert len(body_paragraphs(html)) == 5
    teaser = "<p>Our partner offers: the best deals of the week, every week, all in one place.</p>"
    html = (f"<html><body><article><h1>Council adopts new rules</h1>{BODY}</article>"
            f"<aside class='box'>{teaser}</aside></body></html>")
    assert "best deals" not in extract_html(html).text


def test_a_page_written_by_scripts_gives_its_article_in_noscript() -> None:
    html = ("<html><body><div id='app'><script>render()</script>"
            f"<noscript><div class='post'><h1>Council adopts new rules</h1>{BODY}</div>"
            "</noscript></div></body></html>")
    assert len(body_paragraphs(html)) == 5


def test_a_noscript_notice_is_not_the_article() -> None:
    html = ("<html><body><noscript><p>Please enable JavaScript to use all the features of "
            f"this site.</p></noscript><article>{BODY}</article></body></html>")
    text = extract_html(html).text
    assert "enable JavaScript" not in text
    assert len(body_paragraphs(html)) == 5


def test_ruby_readings_are_dropped_from_the_text() -> None:
    line = ("<p><ruby>子<rt>こ</rt></ruby>どもへの<ruby>虐待<rp>(</rp><rt>ぎゃくたい</rt>"
            "<rp>)</rp></ruby>をなくすための<ruby>法律<rt>ほうりつ</rt></ruby>ができて、"
            "親が子どもを教育するために、たたくことを禁止することになりました。</p>")
    html = f"<html><body><article>{line * 4}</article></body></html>"
    text = extract_html(html).text
    assert "子どもへの虐待をなくすための法律ができて、" in text
    assert "ぎゃくたい" not in text
