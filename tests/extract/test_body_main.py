"""The article starts under its headline (the <h1> or <h2> that the page's <title>
spells out): a container further down that outscores it (a review widget, another
story, a box of other entries) and leaves the headline's first paragraph out gives way
to the container of that paragraph, unless it outscores it many times over and is no
other story (one below another <h1>); a region that already holds that paragraph stays
as it is."""

from __future__ import annotations

from scraper import extract_html

LEAD = ("Our single-origin beans come from smallholder farms in the highlands of "
        "Sidamo, where the coffee is picked by hand and dried in the sun for weeks.")
MORE = ("Roasted in small batches, they give a cup with notes of berries, jasmine and "
        "dark chocolate, and a bright, clean finish that lingers.")
REVIEW = ("I ordered this coffee for the second time now, and once again, it was fresh, "
          "fragrant, well packed, and it arrived within two days, which I really liked.")


SPECS = "<ul class='specs'>" + "".join(f"<li>Size {n}: {n * 250} g</li>" for n in range(1, 10)) + "</ul>"


def page(reviews: int, title: str = "Sidamo Organic Beans | Happy Roasters") -> str:
    items = "".join(f"<div class='rev'><div class='rev-body'><p class='rev-text'>{REVIEW}</p>"
                    f"<p class='rev-text'>{REVIEW}</p>"
                    "</div></div>" for _ in range(reviews))
    return (f"<html><head><title>{title}</title></head><body>"
            "<div class='shop'><div class='product'><h1>Sidamo Organic Beans</h1>"
            f"<div class='description'><p>{LEAD}</p><p>{MORE}</p></div>{SPECS}</div>"
            f"<div class='widget-area'><h2>What buyers say</h2>{items}</div></div>"
            "</body></html>")


def test_the_container_under_the_headline_beats_a_longer_review_widget() -> None:
    text = extract_html(page(reviews=1)).text
    assert LEAD in text and MORE in text
    assert REVIEW not in text


def test_without_a_headline_the_title_spells_out_the_widget_still_wins() -> None:
    text = extract_html(page(reviews=1, title="Happy Roasters shop")).text
    assert REVIEW in text


def test_a_container_that_outscores_it_many_times_over_stays_the_article() -> None:
    text = extract_html(page(reviews=40)).text
    assert REVIEW in text and LEAD not in text


def test_a_region_that_holds_the_first_paragraph_is_kept_as_it_is() -> None:
    body = "".join(f"<p>{REVIEW}</p>" for _ in range(4))
    html = ("<html><head><title>Sidamo Organic Beans - Happy Roasters</title></head><body>"
            f"<article><h1>Sidamo Organic Beans</h1><p>{LEAD}</p>{body}</article>"
            "</body></html>")
    text = extract_html(html).text
    assert LEAD in text and REVIEW in text


def story(n: int, headline: str, paragraphs: int, style: str) -> str:
    body = "".join(f"<p class='{style}'>Story {n}, paragraph {i}: {REVIEW}</p>"
                   for i in range(paragraphs))
    lead = f"<p class='lead'>{LEAD}</p>" if n == 0 else ""
    return (f"<article class='entry article-{n}'><header><h1>{headline}</h1>{lead}</header>"
            f"<div class='entry-text'>{body}</div></article>")


def test_a_longer_story_below_another_headline_does_not_beat_the_pages_own() -> None:
    # infinite scroll: the next story follows the page's own, under its own <h1>
    html = ("<html><head><title>Daily | Council adopts new rules</title></head><body>"
            "<div class='scroll'>" + story(0, "Council adopts new rules", 10, "text")
            + story(1, "Storm closes the harbour", 80, "body-text") + "</div></body></html>")
    text = extract_html(html).text
    assert LEAD in text and "Story 0, paragraph 9" in text
    assert "Story 1" not in text


POST = ("Same problem here since the update: the store only loads over wifi, and the "
        "setting for mobile data is switched on, so I really do not know what else to try.")


def thread_page(article: str) -> str:
    posts = "".join(f"<div class='comment'><p>Post {i}: {POST}</p></div>" for i in range(12))
    return ("<html><head><title>Store will not load</title></head><body>"
            "<ul class='menu'><li><a href='/'>Forum</a></li><li><a href='/new'>New</a></li></ul>"
            f"{article}<div class='comments'>{posts}</div></body></html>")


def test_a_page_with_nothing_but_comments_has_them_as_its_text() -> None:
    text = extract_html(thread_page("<h1>Store will not load</h1>")).text
    assert "Post 0:" in text and "Post 11:" in text
    assert "New" not in text.split("\n\n")


def test_an_article_of_its_own_keeps_the_comments_out() -> None:
    article = f"<h1>Store will not load</h1><div class='post'><p>{LEAD}</p><p>{MORE}</p><p>{LEAD}</p></div>"
    text = extract_html(thread_page(article)).text
    assert LEAD in text and "Post 0:" not in text
