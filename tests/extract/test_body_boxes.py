"""Boxes inside and around the article body: what their names and tags say (a class that
says what a box lacks, a form), and the headline and standfirst above the body."""

from __future__ import annotations

from scraper import extract_html

SENTENCE = ("The council said on Tuesday that the new rules, drafted over two years with "
            "residents and businesses, would take effect in the spring, and that it "
            "expected the first results by the end of the year.")


def prose(tag: str, n: int) -> str:
    return "".join(f"<p>{tag} paragraph {i}: {SENTENCE}</p>" for i in range(1, n + 1))


def page(body: str) -> str:
    return ("<html><head><title>Council adopts new rules - The Gazette</title></head>"
            "<body><header class='site-header'><a href='/'>The Gazette</a></header>"
            f"<main>{body}</main>"
            "<footer><p>© 2024 The Gazette. All rights reserved.</p></footer></body></html>")


def test_a_class_saying_what_a_box_lacks_names_no_furniture() -> None:
    # "no_caption" says the item has no caption; "has-comments" that comments follow
    # elsewhere: neither box is a caption or a comment thread.
    html = page("<article><h1>Council adopts new rules</h1>"
                f"<div class='body'>{prose('Body', 6)}"
                f"<div class='item no_caption'>{prose('Item', 2)}</div>"
                f"<div class='item has-comments'>{prose('More', 1)}</div></div></article>")
    text = extract_html(html).text
    assert "Item paragraph 1:" in text and "Item paragraph 2:" in text
    assert "More paragraph 1:" in text


def test_a_heading_as_long_as_a_paragraph_stays_in_a_photo_item() -> None:
    # A listicle's items, each a photo box ("item_image") with its long heading, then
    # the item's text: the heading is the item's text; a short title in a photo box is
    # not.
    headings = [f"Step {i}: the mother of a woman who took pills bought online has "
                "described how her daughter was burning up from the inside before she died in "
                "hospital, and has asked the council to warn the town's schools."
                for i in range(1, 5)]
    items = "".join(f"<div class='entry item_image'><h2>{h}</h2></div>"
                    f"<div class='entry item_text'>{prose(f'Item {i}', 1)}</div>"
                    for i, h in enumerate(headings, 1))
    html = page("<article><h1>Council adopts new rules</h1>"
                f"<div class='list'>{items}"
                "<div class='entry item_image'><h3>Gallery</h3></div></div></article>")
    got = extract_html(html).text.split("\n\n")
    assert all(h in got for h in headings)
    assert "Item 4 paragraph 1: " + SENTENCE in got
    assert "Gallery" not in got


def test_a_review_form_in_the_article_goes() -> None:
    # Its fields are gone before the page is judged; its labels and notes are no text
    # of the article.
    html = page("<article><h1>Council adopts new rules</h1>"
                f"<div class='text'>{prose('Body', 6)}"
                "<form class='review'><fieldset><h4>How do you rate this article?</h4>"
                "<p>Please type the numbers shown in the picture into the field below, so "
                "that we know you are a person and not a program.</p>"
                "<input name='code'></fieldset></form></div></article>")
    text = extract_html(html).text
    assert "Body paragraph 6:" in text
    assert "rate this article" not in text and "numbers shown" not in text


def test_a_page_set_in_one_form_keeps_its_article() -> None:
    # ASP.NET pages wrap the whole page in a <form>: that form is no review box.
    html = ("<html><head><title>Council adopts new rules</title></head><body>"
            "<form id='aspnetForm'><h1>Council adopts new rules</h1>"
            f"<div class='text'>{prose('Body', 6)}</div></form></body></html>")
    assert "Body paragraph 6:" in extract_html(html).text


def test_a_standfirst_under_a_headline_set_in_a_block_is_kept() -> None:
    # "<h1><div>...</div></h1>": the block is the headline's text all the same.
    standfirst = ("The town’s biggest change to planning in thirty years passed by a single "
                  "vote after a night of debate.")
    html = page("<article><header><h1><div class='title'>Council adopts new rules</div></h1>"
                f"<p class='excerpt'>{standfirst}</p>"
                "<div class='byline'>By <a href='/staff/jane'>Jane Doe</a></div></header>"
                f"<div class='article-body'>{prose('Body', 5)}</div></article>")
    got = extract_html(html).text.split("\n\n")
    assert got[0] == standfirst


def test_a_standfirst_linking_a_name_is_kept_and_a_linked_dateline_is_not() -> None:
    standfirst = ("The plan, which <a href='/mayor'>Mayor Jane Doe</a> put to the council in "
                  "March, passed by a single vote after a night of debate.")
    dateline = ("The Gazette | 04.05.2024 at 13:36 | Updated 05.05.2024 at 20:13 | By "
                "<a href='/staff/joe'>Joe Bloggs</a> (with Ann Smith)")
    html = page("<article><header><h1>Council adopts new rules</h1>"
                f"<p class='excerpt'>{standfirst}</p><p class='meta'>{dateline}</p></header>"
                f"<div class='article-body'>{prose('Body', 5)}</div></article>")
    got = extract_html(html).text.split("\n\n")
    assert got[0].startswith("The plan, which Mayor Jane Doe put")
    assert not any("Updated 05.05.2024" in p for p in got)


def test_a_blog_posts_own_classes_name_its_topics_not_furniture() -> None:
    # WordPress's post_class: the post's categories, tags and taxonomies ("autor-...",
    # "tag-comments") say what it is about; the post is the article.
    html = page("<div class='content'><article class='post-27 post type-post status-publish "
                "category-sidebar tag-comments autor-jane-doe'><h1>Council adopts new rules"
                f"</h1><div class='entry'>{prose('Body', 4)}</div></article></div>")
    assert "Body paragraph 4:" in extract_html(html).text


def test_an_authors_box_named_in_german_goes() -> None:
    html = page("<article><h1>Council adopts new rules</h1>"
                f"<div class='text'>{prose('Body', 6)}"
                "<div class='artikel-autorbox'><p>Jane Doe leads the town desk and has "
                "covered the council since 2010, when she moved back home.</p></div>"
                "</div></article>")
    text = extract_html(html).text
    assert "Body paragraph 6:" in text and "covered the council" not in text


def test_a_comment_box_named_in_spanish_or_indonesian_goes() -> None:
    # "comentarios" and "komentar" have one m: "comment" does not find them. The box's
    # notice reads as prose, and sits inside the article's container.
    for name in ("texto-comentarios", "kolom-komentar"):
        html = page("<article><h1>Council adopts new rules</h1>"
                    f"<div class='text'>{prose('Body', 6)}"
                    f"<div class='{name}'><p>Comments published are the sole responsibility "
                    "of their authors, who may face legal consequences for what they post "
                    "here.</p><p>Log in with your account to comment.</p></div>"
                    "</div></article>")
        text = extract_html(html).text
        assert "Body paragraph 6:" in text and "sole responsibility" not in text, name


def test_a_heading_with_nothing_of_the_article_after_it_goes() -> None:
    # "Tags" over a list of links, "About the author" over a bio box: the list and the
    # box go, and so does the heading that titled them; a sub-heading inside stays.
    html = page("<article><h1>Council adopts new rules</h1><div class='text'>"
                f"{prose('Body', 3)}<h2>What happens next</h2>{prose('Next', 2)}"
                "<h3>Tags</h3><ul>" + "".join(f"<li><a href='/tag/{t}'>{t}</a></li>"
                                            for t in ("council", "planning", "town"))
                + "</ul><h3>About the author</h3><div class='author-bio'><p>Jane Doe "
                "covers the council.</p></div></div></article>")
    got = extract_html(html).text.split("\n\n")
    assert "What happens next" in got
    assert got[-1].startswith("Next paragraph 2:")



def test_a_title_line_over_a_box_that_goes_goes_too() -> None:
    # Set as a line of its own in a <div>, not as a heading: it titles the teasers.
    teasers = "".join(f"<li><a href='/column/{i}'>Column number {i} on the town</a></li>"
                      for i in range(4))
    html = page("<article><h1>Council adopts new rules</h1><div class='text'>"
                f"{prose('Body', 4)}<div class='box'><div class='title'>More columns in "
                f"the Gazette</div><ul>{teasers}</ul></div></div></article>")
    got = extract_html(html).text.split("\n\n")
    assert got[-1].startswith("Body paragraph 4:")


def test_a_songs_last_verse_in_short_lines_stays() -> None:
    verse = [f"Only missing you line {i}" for i in range(1, 9)]
    html = page("<article><h1>Only missing you</h1><div class='lyrics'>"
                f"{prose('Intro', 3)}" + "".join(f"<div>{line}</div>" for line in verse)
                + "</div></article>")
    got = extract_html(html).text.split("\n\n")
    assert got[-len(verse):] == verse


def test_label_lines_over_the_article_go_and_a_dateline_stays() -> None:
    html = page("<article><h1>Council adopts new rules</h1><div class='text'>"
                "<div class='kicker'>Town &amp; Country</div><div class='read-time'>5 min "
                f"read</div><div class='place'>Springfield -</div>{prose('Body', 4)}</div>"
                "</article>")
    got = extract_html(html).text.split("\n\n")
    assert got[0].startswith("Springfield - Body paragraph 1:")
    assert not any(p in ("Town & Country", "5 min read") for p in got)


def test_a_post_embedded_in_a_box_named_social_or_video_stays_and_a_share_bar_goes() -> None:
    # News sites quote reactions as embedded posts, in boxes their CMS names for what the
    # embed is ("social-media-embed", "video-container"): the post is the article's.
    def tweet(n: int) -> str:
        return ("<blockquote class='twitter-tweet'><p>Reader " f"{n} posted: yes this is real "
                "and yes the state spent nearly half a million dollars on it.</p>— Reader "
                f"{n} (@reader{n}) November 18, 2019</blockquote>")
    html = page("<article><h1>Council adopts new rules</h1>"
                f"<div class='entry-content'>{prose('Body', 3)}"
                f"<div class='social-media-embed'>{tweet(1)}</div>{prose('Middle', 2)}"
                f"<div class='video-container'>{tweet(2)}</div>{prose('Tail', 2)}"
                "<div class='social-share'><p>Share this story on Facebook, on X or by "
                "e-mail with your friends and family today.</p></div></div></article>")
    text = extract_html(html).text
    assert "Reader 1 posted" in text and "Reader 2 posted" in text
    assert "Tail paragraph 2:" in text and "Share this story" not in text
