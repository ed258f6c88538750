"""The collector of what apps keep about a member: its own checks, in any host."""

import pytest

from suite import privacy


def test_a_name_is_replaced_where_it_is_a_word_and_not_inside_another():
    pattern = privacy.whole_words(["ali", "Ali Can", " "])
    assert pattern.sub("former member 8f3a", "Thanks Ali Can and ali! quality, alibi") == (
        "Thanks former member 8f3a and former member 8f3a! quality, alibi"
    )
    assert privacy.whole_words(["ALI"], ignore_case=True).sub("x", "ali Ali") == "x x"
    assert privacy.whole_words(["", "  "]) is None


def test_the_collector_is_not_one_of_the_apps_it_asks():
    assert privacy.__name__ not in {module.__name__ for module in privacy.privacy_modules()}


@pytest.mark.django_db
def test_a_row_with_other_keys_than_its_kind_says_is_refused(monkeypatch):
    odd = privacy.Kind(name="test.odd", label="Odd", purpose="Testing", fields=("a",), rows=lambda m: [{"b": 1}])
    monkeypatch.setattr(privacy, "kinds", lambda: [odd])
    with pytest.raises(ValueError, match=r"test\.odd"):
        list(privacy.member_rows(None))
