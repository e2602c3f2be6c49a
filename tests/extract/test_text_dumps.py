"""Naive dumps of whole pages (every visible line, as a naive scraper saves it): the article's
stretch stays, what the page printed around it goes."""

from __future__ import annotations

import pytest

from scraper import clean_text

ARTICLE = [
    "The harbour authority on Tuesday approved a new ferry terminal on the east pier, ending a "
    "review that began in 2022 and drew more than 3,000 public comments from residents.",
    "Officials said construction would start in the spring and take about eighteen months, "
    "with services continuing from the old terminal in the meantime and no fare increase.",
    "The terminal will have room for two vessels at once, a covered waiting hall and a new bus "
    "stop, which the authority says will shorten the walk from the town centre by half.",
    "Residents of the east pier had asked for a noise study before any work begins, and the "
    "authority agreed to publish one in February, before the first contracts are signed.",
]

# A whole page, one line per block, no blank lines: the shape bench/extraction.py's
# naive_dump gives.
WHOLE_PAGE = "\n".join([
    "We use cookies to improve your experience on our site. By continuing to browse you "
    "agree to our use of cookies and our privacy policy.",
    "Subscribe",
    "Log in",
    "World",
    "Business",
    "Harbour authority approves new ferry terminal after two-year review",
    "By Jane Doe",
    *ARTICLE[:2],
    "Harbour traffic has doubled since 2015",
    *ARTICLE[2:],
    "Share on Facebook",
    "Share on Twitter",
    "Copy link",
    # teasers of other stories: a headline, a writer, one line of prose each
    "Council delays vote on waterfront housing",
    "Mark Lee",
    "The council put off its vote on the waterfront plan until the new year after a long "
    "night of public comments.",
    "New bike lanes open on Main Street",
    "Ana Ruiz",
    "Cyclists got two new protected lanes on Main Street this week, the first of six the "
    "city has promised.",
    # comments: a name line, then a short remark
    "14 Comments",
    "harbourwatcher says:",
    "About time, the old terminal is falling apart.",
    "jk_1987 says:",
    "Who is paying for this?",
    "About us",
    "Contact",
    "Terms of use",
    "Privacy policy",
])


def test_a_whole_page_dump_keeps_only_the_articles_stretch() -> None:
    article = clean_text(WHOLE_PAGE, "page.txt")
    paragraphs = article.text.split("\n\n")
    assert article.title == "Harbour authority approves new ferry terminal after two-year review"
    # the article, with the sub-heading between its paragraphs
    assert paragraphs == [*ARTICLE[:2], "Harbour traffic has doubled since 2015", *ARTICLE[2:]]
    # the cookie banner before it; teasers, comments and footer after it
    for chrome in ("cookies", "waterfront", "bike lanes", "About time", "paying", "About us"):
        assert chrome not in article.text


def test_the_stretch_reaches_a_dateline_before_and_a_short_closing_line_after() -> None:
    # with no blank lines the menu, headline and dateline run together as one list: the
    # headline and dateline next to the text are taken back from it
    dump = "\n".join([
        "Menu", "News", "Sport", "Weather",
        "Harbour authority approves new ferry terminal after two-year review",
        "Port Town -",
        *ARTICLE,
        "Tickets go on sale in May.",
        "Share on Facebook", "Share on Twitter", "Copy link",
        "About us", "Contact",
    ])
    article = clean_text(dump, "page.txt")
    text = article.text
    assert article.title == "Harbour authority approves new ferry terminal after two-year review"
    assert text.startswith("Port Town - The harbour authority on Tuesday")
    assert text.endswith("Tickets go on sale in May.")  # short, but of the article
    assert "Menu" not in text and "About us" not in text


def test_a_page_of_short_lines_only_is_left_to_the_other_rules() -> None:
    # a recipe card: no stretch of prose to find, so nothing is cut for position
    dump = "Lemon cake\nServes 8\n200 g flour\n3 eggs\n1 lemon, zested\nBake for 40 minutes."
    text = clean_text(dump, "recipe.txt").text
    assert "Bake for 40 minutes." in text


THAI_PARAGRAPHS = [
    # Thai runs words together and ends sentences without a full stop: long lines are prose
    "ผู้สื่อข่าวรายงานว่าเมื่อวันอังคารที่ผ่านมาการท่าเรือได้อนุมัติการสร้างท่าเรือเฟอร์รี่แห่งใหม่"
    "ทางฝั่งตะวันออกหลังจากใช้เวลาพิจารณานานกว่าสองปีและมีประชาชนแสดงความคิดเห็นเข้ามากว่าสามพันราย",
    "เจ้าหน้าที่กล่าวว่าการก่อสร้างจะเริ่มในฤดูใบไม้ผลิและใช้เวลาประมาณสิบแปดเดือนโดยระหว่างนี้"
    "เรือจะยังคงให้บริการจากท่าเรือเดิมตามปกติและจะไม่มีการปรับขึ้นค่าโดยสารแต่อย่างใดทั้งสิ้น",
]


def test_paragraphs_of_a_script_without_spaces_or_full_stops_are_the_article() -> None:
    dump = "\n".join(["หน้าแรก", "การเมือง", "เศรษฐกิจ", "ต่างประเทศ", "กีฬา",
                      "การท่าเรืออนุมัติท่าเรือเฟอร์รี่แห่งใหม่", *THAI_PARAGRAPHS,
                      "แชร์", "ข่าวที่เกี่ยวข้อง", "ติดต่อเรา", "นโยบายความเป็นส่วนตัว"])
    article = clean_text(dump, "thai.txt")
    assert article.text.split("\n\n") == THAI_PARAGRAPHS
    assert article.title == "การท่าเรืออนุมัติท่าเรือเฟอร์รี่แห่งใหม่"


# German, French and Spanish chrome around one article: the share bar, the comment count,
# the cookie banner and a list of other stories under its header go; the article stays.
CHROME_BY_LANGUAGE = {
    "de": ["Wir verwenden Cookies, um Ihnen ein besseres Nutzererlebnis zu bieten.",
           "Artikel teilen", "Kommentare (12)", "Anzeige", "Mehr zum Thema",
           "Hafenbehörde plant zweites Terminal", "Fährpreise steigen im Winter"],
    "fr": ["Nous utilisons des cookies pour améliorer votre expérience.",
           "Partager sur Facebook", "Commentaires", "Publicité", "Sur le même sujet",
           "Le port prévoit un second terminal", "Les tarifs du ferry augmentent"],
    "es": ["Utilizamos cookies para mejorar su experiencia de navegación.",
           "Compartir en Twitter", "Comentarios (3)", "Publicidad", "Noticias relacionadas",
           "El puerto planea una segunda terminal", "Suben las tarifas del ferri"],
}


@pytest.mark.parametrize("language", sorted(CHROME_BY_LANGUAGE))
def test_chrome_phrases_of_other_languages_go(language: str) -> None:
    cookies, share, comments, advert, header, *stories = CHROME_BY_LANGUAGE[language]
    dump = "\n".join([cookies, "Harbour authority approves new ferry terminal", ARTICLE[0],
                      advert, ARTICLE[1], share, comments, header, *stories])
    text = clean_text(dump, "page.txt").text
    assert text.split("\n\n") == ARTICLE[:2]
