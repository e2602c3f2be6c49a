"""The whole article and nothing else: each failure class of issue #9 on a page written
for it (a body split by ads, a live blog, a long read, a listicle, a standfirst outside
the body), asserting what is kept, in order, and what is dropped."""

from __future__ import annotations

import json

from scraper import extract_html
from scraper.extract.lines import Line
from scraper.extract.text import Meta, clean_lines

SENTENCE = ("The council said on Tuesday that the new rules, drafted over two years with "
            "residents and businesses, would take effect in the spring, and that it "
            "expected the first results by the end of the year.")


def prose(tag: str, n: int) -> str:
    """`n` distinct prose paragraphs, each naming `tag` and its number."""
    return "".join(f"<p>{tag} paragraph {i}: {SENTENCE}</p>" for i in range(1, n + 1))


def page(body: str, head: str = "") -> str:
    return (f"<html><head><title>Council adopts new rules - The Gazette</title>{head}</head>"
            "<body><header class='site-header'><a href='/'>The Gazette</a>"
            "<ul class='menu'><li><a href='/news'>News</a></li><li><a href='/sport'>Sport</a>"
            "</li><li><a href='/opinion'>Opinion</a></li></ul></header>"
            f"<main>{body}</main>"
            "<footer><p>© 2024 The Gazette. All rights reserved. Contact us at the desk.</p>"
            "</footer></body></html>")


RELATED = ("<div class='related-stories'><h3>Related</h3><ul>"
           + "".join(f"<li><a href='/story/{i}'>Another story about the town number {i}</a>"
                     "</li>" for i in range(5)) + "</ul></div>")
COMMENTS = ("<section id='comments'><h3>12 comments</h3>"
            + "".join(f"<div class='comment'><p>Reader {i} wrote: I think the council, as "
                      "usual, did not listen to anyone, and this will cost us all.</p></div>"
                      for i in range(4)) + "</section>")


def paragraphs(html: str) -> list[str]:
    return extract_html(html).text.split("\n\n")


def numbered(got: list[str], tag: str) -> list[int]:
    return [int(p.split(" paragraph ")[1].split(":")[0]) for p in got
            if p.startswith(f"{tag} paragraph ")]


def part(inner: str) -> str:
    """A part of the body as CMSs nest it: wrapper, column, text box."""
    return f"<div class='body-part'><div class='col'><div class='text'>{inner}</div></div></div>"


def test_body_split_by_an_ad_and_a_newsletter_box_is_kept_whole() -> None:
    first, second, third = (prose("Body", 9)[i:j] for i, j in
                            ((0, len(prose("Body", 4))),
                             (len(prose("Body", 4)), len(prose("Body", 6))),
                             (len(prose("Body", 6)), None)))
    html = page("<article><h1>Council adopts new rules</h1>"
                f"{part(first)}<div class='ad-slot'><p>Advertisement</p></div>{part(second)}"
                "<div class='newsletter-signup'><h4>Get our morning briefing</h4><p>Sign up "
                "for the newsletter and never miss a story from your town again.</p></div>"
                f"{part(third)}</article>{RELATED}{COMMENTS}")
    got = paragraphs(html)
    assert numbered(got, "Body") == list(range(1, 10))
    text = "\n".join(got)
    for gone in ("Advertisement", "morning briefing", "never miss", "Another story",
                 "Reader 1 wrote", "All rights reserved", "Sport"):
        assert gone not in text, gone


def test_live_blog_keeps_every_post_in_page_order() -> None:
    posts = "".join(
        f"<article class='live-post'><div class='post-inner'><div class='post-time'>{10 + i}:00</div>"
        f"<h2>Update {i}</h2><div class='post-body'>{prose(f'Post{i}', 2 + i % 2)}</div>"
        "</div></article>" for i in range(1, 9))
    html = page(f"<div class='liveblog'><h1>Live: council vote</h1><div class='posts'>{posts}"
                f"</div></div>{RELATED}")
    got = paragraphs(html)
    order = [p.split(" paragraph ")[0] for p in got if " paragraph " in p]
    assert order == [f"Post{i}" for i in range(1, 9) for _ in range(2 + i % 2)]
    assert [p for p in got if p.startswith("Update ")] == [f"Update {i}" for i in range(1, 9)]
    assert not any("Another story" in p for p in got)


def test_long_read_goes_past_its_breaks_pull_quote_and_figure() -> None:
    sections = "".join(
        f"<section class='chapter'><h2>Chapter {c}</h2>{part(prose(f'Ch{c}', 4 + c))}"
        "<figure><img src='x.jpg'><figcaption>A photo caption, Photo: Agency</figcaption>"
        "</figure>"
        "<aside class='pullquote'><p>“A pulled quote repeated from the text”</p></aside>"
        f"{part(prose(f'Ch{c}b', 3))}</section><hr>"
        for c in range(1, 5))
    html = page(f"<article><h1>The long read</h1>{sections}</article>{COMMENTS}")
    got = paragraphs(html)
    for c in range(1, 5):
        assert numbered(got, f"Ch{c}") == list(range(1, 5 + c))
        assert numbered(got, f"Ch{c}b") == [1, 2, 3]
        assert f"Chapter {c}" in got
    assert got.index("Chapter 2") < got.index(next(p for p in got if p.startswith("Ch2 ")))
    text = "\n".join(got)
    assert "pulled quote" not in text and "photo caption" not in text
    assert "Reader" not in text


def test_listicle_items_are_headings_with_short_paragraphs() -> None:
    items = "".join(
        f"<div class='list-item'><div class='item-inner'><h2>{i}. Visit the old harbour "
        f"number {i}</h2><div class='item-text'><p>Short note {i}, with a comma, on why it "
        "is worth the trip.</p></div></div></div>"
        for i in range(1, 11))
    html = page(f"<article><h1>Ten things to do</h1><div class='intro'>{prose('Intro', 3)}"
                f"</div>{items}</article>{RELATED}")
    got = paragraphs(html)
    assert numbered(got, "Intro") == [1, 2, 3]
    for i in range(1, 11):
        assert f"{i}. Visit the old harbour number {i}" in got
        assert f"Short note {i}, with a comma, on why it is worth the trip." in got
    assert got.index("3. Visit the old harbour number 3") < got.index(
        "Short note 3, with a comma, on why it is worth the trip.")
    assert not any("Another story" in p for p in got)


def test_standfirst_outside_the_body_container_is_kept_first() -> None:
    standfirst = ("The town’s biggest change to planning in thirty years passed by a single "
                  "vote after a night of debate.")
    html = page("<article><header><h1>Council adopts new rules</h1>"
                f"<p class='standfirst'>{standfirst}</p>"
                "<div class='byline'>By <a href='/staff/jane'>Jane Doe</a></div>"
                "<time datetime='2024-03-05T10:00:00+01:00'>5 March 2024</time></header>"
                f"<div class='article-body'>{prose('Body', 5)}</div></article>{RELATED}")
    article = extract_html(html)
    got = article.text.split("\n\n")
    assert got[0] == standfirst
    assert numbered(got, "Body") == [1, 2, 3, 4, 5]
    assert "Jane Doe" not in article.text and "5 March 2024" not in article.text
    assert article.authors == ["Jane Doe"]


def test_structured_article_body_stands_in_when_the_markup_hides_it() -> None:
    # A page that renders its article with script: the markup holds a teaser, the
    # JSON-LD articleBody the whole text.
    body = "\n".join(f"Structured paragraph {i}: {SENTENCE}" for i in range(1, 8))
    ld = json.dumps({"@type": "NewsArticle", "headline": "Council adopts new rules",
                     "articleBody": body})
    html = page(f"<article><h1>Council adopts new rules</h1><p>{SENTENCE}</p></article>",
                head=f"<script type='application/ld+json'>{ld}</script>")
    got = paragraphs(html)
    assert [p.split(":")[0] for p in got] == [f"Structured paragraph {i}" for i in range(1, 8)]


def test_a_short_region_that_leaves_most_prose_out_gives_way_to_all_of_it() -> None:
    # A page builder's markup: each paragraph deep in wrappers of its own, in a style the
    # author box does not share, so nothing gathers them and the box wins the vote.
    parts = "".join(f"<div class='row r{i}'><div class='col'><div class='module'>"
                    f"<div class='rich'>{SENTENCE} (part {i}, <a href='/p{i}'>more</a>)"
                    "</div></div></div></div>" for i in range(1, 13))
    bio = ("<div class='about'><div class='text'><p>Jane Doe has covered the council for a "
           "decade, and before that, the courts.</p><p>She lives in the old town, with "
           "two cats, and writes a weekly column.</p></div></div>")
    html = page(f"<h1>Council adopts new rules</h1>{parts}{bio}{RELATED}")
    text = extract_html(html).text
    assert all(f"(part {i}, more)" in text for i in range(1, 13))
    assert "Another story" not in text


def test_a_wrapper_named_for_its_layout_is_not_a_sidebar() -> None:
    # "cb-sidebar-right" says a sidebar stands beside the box; the box is the article.
    html = page("<div class='post-wrap cb-sidebar-right'><article><h1>Council adopts new "
                f"rules</h1>{prose('Body', 3)}</article></div>"
                "<div class='sidebar'><p>Popular this week: the mayor's dog, the bridge, "
                f"and the summer festival, in pictures.</p></div>{RELATED}{RELATED}{COMMENTS}")
    got = paragraphs(html)
    assert numbered(got, "Body") == [1, 2, 3]
    assert not any("Popular this week" in p for p in got)


def test_a_list_that_outscores_the_paragraphs_around_it_keeps_them() -> None:
    # The facts of a test report (long list items, many commas) outvote the short
    # paragraphs before and after them; all three parts are the article.
    items = "".join(f"<li>Fact {i}: {SENTENCE} {SENTENCE}, with, more, commas.</li>"
                    for i in range(8))
    html = page("<div class='report'><h1>Council adopts new rules</h1>"
                f"<div class='intro'>{prose('Intro', 2)}</div>"
                f"<div class='facts'><div class='box'><ul class='facts-list'>{items}</ul>"
                f"</div></div><div class='outro'>{prose('Outro', 1)}</div></div>" + RELATED)
    got = paragraphs(html)
    assert numbered(got, "Intro") == [1, 2]
    assert numbered(got, "Outro") == [1]
    assert sum(p.startswith("Fact ") for p in got) == 8
    assert not any("Another story" in p for p in got)


def test_a_bem_modifier_naming_furniture_does_not_drop_the_section_it_modifies() -> None:
    # "report__section--ads" is a section of the report that carries an ad slot; the
    # ad slot itself ("ad") still goes.
    html = page("<article class='report'><h1>Council adopts new rules</h1>"
                f"<section class='report__section'>{prose('Body', 4)}</section>"
                f"<section class='report__section report__section--ads'>{prose('Verdict', 2)}"
                "<div class='ad'><p>Advertisement: the best mattress deals of the season, "
                "delivered to your door.</p></div></section>"
                f"<section class='report__section'>{prose('Tail', 3)}</section></article>")
    got = paragraphs(html)
    assert numbered(got, "Verdict") == [1, 2]
    assert numbered(got, "Body") == [1, 2, 3, 4] and numbered(got, "Tail") == [1, 2, 3]
    assert not any("mattress" in p for p in got)


def test_a_table_that_outscores_the_paragraphs_around_it_keeps_them() -> None:
    rows = "".join(f"<tr><td>Signatory {i}</td><td>{SENTENCE}</td></tr>" for i in range(10))
    html = page("<article><h1>Council adopts new rules</h1>"
                f"<div class='body'>{prose('Intro', 2)}"
                f"<div class='letter'><table class='signatures'><tbody>{rows}</tbody></table></div>"
                f"{prose('Outro', 2)}</div></article>" + RELATED)
    got = paragraphs(html)
    assert numbered(got, "Intro") == [1, 2] and numbered(got, "Outro") == [1, 2]
    assert sum(p.startswith("Signatory ") for p in got) == 10


def test_a_table_set_in_a_figure_is_kept_and_a_photo_figure_is_not() -> None:
    # WordPress puts tables in <figure class="wp-block-table">; a photo's figure and its
    # caption stay out of the text.
    table = ("<figure class='wp-block-table'><table><tbody>"
             "<tr><td>SEPA (EUR)</td><td>Free deposit, 0.15 EUR withdrawal</td></tr>"
             "<tr><td>SWIFT (GBP)</td><td>Free deposit, 1 GBP withdrawal</td></tr>"
             "</tbody></table><figcaption>Fees as of May</figcaption></figure>")
    photo = ("<figure class='wp-block-image'><img src='/a.jpg'><figcaption>The harbour at "
             "dawn, seen from the new terminal</figcaption></figure>")
    html = page(f"<article><h1>Council adopts new rules</h1>{prose('Body', 3)}{table}"
                f"{photo}{prose('Tail', 2)}</article>")
    text = extract_html(html).text
    assert "SWIFT (GBP) | Free deposit, 1 GBP withdrawal" in text
    assert "Fees as of May" not in text and "harbour at dawn" not in text


def test_a_list_whose_items_each_link_a_bug_is_the_articles_and_a_link_list_is_not() -> None:
    # Release notes: each item links its bug and its author (about 70% link text); a list
    # of other stories is all links.
    items = "".join(f"<li><a href='/u/{i}'>Contributor {i}</a> fixed <a href='/bug/{i}'>"
                    f"the crash on start number {i}</a> in the sync code</li>" for i in range(6))
    html = page(f"<article><h1>These weeks in Firefox</h1>{prose('Body', 3)}"
                f"<ul class='fixes'>{items}</ul>{prose('Tail', 2)}</article>{RELATED}")
    got = paragraphs(html)
    assert sum(p.startswith("Contributor ") for p in got) == 6
    assert not any("Another story" in p for p in got)


def test_a_paragraph_linking_its_sources_stays_and_a_lone_link_goes() -> None:
    # more than half link text: two links to the firms he worked for
    sourced = ("<p>He worked <a href='/a'>for ten years in the marketing department</a> of "
               "the firm and later at <a href='/b'>its insurance arm in Hamburg</a> as a "
               "spokesman.</p>")
    lone = "<p><a href='/story/9'>Read the whole story about the harbour vote here</a></p>"
    html = page(f"<article><h1>Council adopts new rules</h1>{prose('Body', 3)}{sourced}"
                f"{lone}{prose('Tail', 2)}</article>")
    text = extract_html(html).text
    assert "its insurance arm in Hamburg" in text
    assert "whole story" not in text


def test_a_sibling_of_linked_teasers_in_the_articles_style_does_not_continue_it() -> None:
    # Teasers of other stories under the article, in the same <p> style, each a quarter
    # link text: not more of the article.
    teasers = "".join(f"<p>Other news {i}: the town also plans new parks, cycle lanes and "
                      f"schools. <a href='/story/{i}'>Read the whole story here</a></p>"
                      for i in range(4))
    html = page(f"<article><h1>Council adopts new rules</h1>{part(prose('Body', 5))}"
                f"<div class='box'>{teasers}</div></article>")
    got = paragraphs(html)
    assert numbered(got, "Body") == [1, 2, 3, 4, 5]
    assert not any(p.startswith("Other news") for p in got)



def _cleaned(lines: list[Line]) -> list[str]:
    return clean_lines(lines, Meta())


def test_a_closing_label_followed_by_links_goes_and_one_followed_by_text_stays() -> None:
    """The lines a page's region gives, after the article's last paragraph (an author's
    bio, as pcmag's): "Read the latest from Ann Lee" and links to her other stories are a
    box of other pages; "Qualified teams" and its plain items are the article's."""
    body = [Line(f"Body paragraph {i}: {SENTENCE}", True) for i in range(1, 4)]
    links = [Line("Read the latest from Ann Lee", True, role="heading")] + [
        Line(f"Another headline about the town number {i}", True, role="item", linked=True)
        for i in range(3)]
    assert _cleaned(body + links) == [line.text for line in body]
    # the links already gone: the heading alone heads nothing
    assert _cleaned(body + links[:1]) == [line.text for line in body]
    teams = [Line("Qualified teams", True, role="heading"),
             Line("England (Group A): 10th appearance", True, role="item"),
             Line("Spain (Group F): 11th appearance", True, role="item")]
    assert _cleaned(body + teams)[-3:] == [line.text for line in teams]
    # a question closing the article stays
    question = [Line("What do you make of the new rules?", True)]
    assert _cleaned(body + question)[-1] == question[0].text


def test_a_paragraph_the_author_repeats_stays_and_a_standfirst_copied_into_the_body_does_not(
        ) -> None:
    standfirst = ("The town’s biggest change to planning in thirty years passed by a single "
                  "vote after a night of debate.")
    chorus = ("And still the river runs, and still the river sings, down to the sea where "
              "all the rivers end.")
    verses = [f"<p>Verse {i}: {SENTENCE}</p><p>{chorus}</p>" for i in range(1, 4)]
    html = page("<article><header><h1>Council adopts new rules</h1>"
                f"<div class='dek'>{standfirst}</div></header>"
                f"<div class='article-body'><div class='abstract'>{standfirst}</div>"
                f"{''.join(verses)}<h2>Coda</h2><p>{chorus}</p></div></article>{RELATED}")
    got = paragraphs(html)
    # Sibling paragraphs of one parent: the author's refrain, each copy in its place.
    assert got.count(chorus) == 4
    assert got.index("Coda") == len(got) - 2 and got[-1] == chorus
    # The dek and its copy in the body sit in different parents: one copy.
    assert got.count(standfirst) == 1 and got[0] == standfirst


def test_a_photo_caption_set_inline_in_the_lead_paragraph_goes_and_the_lead_stays() -> None:
    lead = ("Nintendo and Apple shocked the world earlier this year by announcing the "
            "company's first game for phones, and now it has a date and a price.")
    html = page("<article><h1>Council adopts new rules</h1><div class='article-body'>"
                "<p><span class='storyimage'><span class='caption truncate'>"
                "<span class='attribution'>© Provided by Example Wire</span> Photo/Agency"
                f"</span></span> {lead}</p>{prose('Body', 4)}</div></article>")
    got = paragraphs(html)
    assert got[0] == lead
    assert numbered(got, "Body") == [1, 2, 3, 4]
    assert "Provided by" not in "\n".join(got)


def test_a_photo_gallerys_captions_are_its_text_and_a_storys_captions_are_not() -> None:
    # A gallery opens with a short text; each slide's caption tells its part. On a story
    # the captions name the photos, and teaser cards' captions are headlines: both stay out.
    slides = "".join(
        f"<figure class='slide'><h2>{i}. Costume {i}</h2><img src='/{i}.jpg'>"
        f"<figcaption><p>Slide {i} tells: with a bowler hat, a set of false lashes and an "
        "all-white outfit you can dress as a film's antihero in ten minutes.</p>"
        "</figcaption></figure>" for i in range(1, 9))
    gallery = page("<article><h1>Cheap homemade costumes</h1><div class='post-content'>"
                   "<p>Cheap and easy costumes are all that matter this year, and these "
                   "ideas can be made at the very last minute.</p></div>"
                   f"<div class='gallery'>{slides}</div></article>")
    got = paragraphs(gallery)
    assert got[0].startswith("Cheap and easy costumes")
    assert [p.split(" tells")[0] for p in got[1:]] == [f"Slide {i}" for i in range(1, 9)]

    photo = ("<figure><img src='/a.jpg'><figcaption>The harbour at dawn, seen from the new "
             "terminal on the east pier that the council approved</figcaption></figure>")
    cards = "".join(f"<a href='/s{i}'><figure><img src='/{i}.jpg'><figcaption>Another story "
                    f"about the town number {i}</figcaption></figure></a>" for i in range(12))
    text = extract_html(page(f"<article><h1>Council adopts new rules</h1>{photo}"
                             f"{prose('Body', 4)}</article><div>{cards}</div>")).text
    assert "Body paragraph 4:" in text
    assert "harbour at dawn" not in text and "Another story" not in text


def test_a_paragraph_repeated_in_sibling_parts_of_one_kind_stays_and_a_second_copy_does_not(
        ) -> None:
    # Two parts of the article set alike (<div> beside <div>, <section class="part"> beside
    # its twin) each end on the same line: the author's repeat. A page printing its article
    # twice, for two layouts, sets each copy in a wrapper of its own kind: one copy.
    refrain = ("Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia "
               "deserunt mollit anim id est laborum.")
    parts = "".join(f"<section class='part'><h2>Part {i}</h2>{prose(f'Part{i}', 2)}"
                    f"<p>{refrain}</p></section>" for i in (1, 2))
    got = paragraphs(page(f"<article><h1>Council adopts new rules</h1>{parts}</article>"))
    assert got.count(refrain) == 2
    assert got.index(refrain) < got.index("Part 2") < len(got) - 1 and got[-1] == refrain

    body = prose("Body", 4)
    twice = page("<article><h1>Council adopts new rules</h1>"
                 f"<div class='story-desktop'>{body}</div><div class='story-mobile'>{body}"
                 "</div></article>")
    got = paragraphs(twice)
    assert numbered(got, "Body") == [1, 2, 3, 4]
