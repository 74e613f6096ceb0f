"""A typed list is split the same way wherever it is typed: file cells, admin commands, settings."""
import pytest

from models.separators import join_list, split_list, split_words


@pytest.mark.parametrize("typed", ["学院、直属系", "学院，直属系", "学院,直属系", "学院；直属系", "学院;直属系",
                                   "学院\n直属系", " 学院 ， 直属系 ，", "学院、、直属系"])
def test_every_list_separator_a_keyboard_gives_splits(typed):
    assert split_list(typed) == ["学院", "直属系"]
    assert split_words(typed) == ["学院", "直属系"]


def test_a_value_in_a_cell_keeps_its_spaces_a_command_splits_at_them():
    assert split_list("Anna Li，王芳") == ["Anna Li", "王芳"]
    assert split_words("XY01 XY02，XY03") == ["XY01", "XY02", "XY03"]


def test_lists_are_written_back_with_the_enumeration_comma():
    assert join_list(split_list("学院，直属系")) == "学院、直属系"
    assert split_list("") == split_words("  ") == []
