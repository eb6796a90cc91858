"""The visit form (`Canvass.form`): checked when saved, field by field; one person's answers
checked against it, with the defaults ("at home, all well") where nothing was said."""

import pytest

from gridgov.core.errors import InvalidInput
from gridgov.households import visit_form


def problems_of(call) -> dict:
    with pytest.raises(InvalidInput) as refused:
        call()
    return {d["field"]: d["message"] for d in refused.value.details}


FORM = visit_form.check_form(
    [
        {"key": "where", "label": "去向", "type": "choice", "choices": ["在家", "外出"],
         "default": "在家", "required": True},
        {"key": "remark", "label": "备注", "type": "text"},
        {"key": "tested_on", "label": "检测日期", "type": "date", "default": "2030-01-02"},
        {"key": "back", "label": "外地返回", "type": "bool", "default": False},
        {"key": "door", "label": "门牌照片", "type": "photo"},
        {"key": "phone_ok", "label": "电话核实", "type": "text", "required": True},
    ]
)  # fmt: skip


def test_the_default_form_is_valid_and_its_defaults_say_at_home_all_well():
    form = visit_form.check_form(visit_form.DEFAULT_FORM)
    answers = visit_form.defaults(form)
    assert answers["whereabouts"] == "在家" and answers["test_status"] == "阴性"
    assert answers["returned"] is False and answers["needs"] == ""


def test_a_checked_form_fills_in_each_types_empty_default_and_required():
    by_key = {field["key"]: field for field in FORM}
    assert by_key["remark"] == {"key": "remark", "label": "备注", "type": "text",
                                "required": False, "default": ""}  # fmt: skip
    assert by_key["back"]["default"] is False and by_key["door"]["default"] == ""
    assert by_key["tested_on"]["default"] == "2030-01-02"
    assert by_key["where"]["choices"] == ["在家", "外出"] and by_key["where"]["required"]


@pytest.mark.parametrize(
    ("field", "where"),
    [
        ({"key": "Bad Key", "label": "x", "type": "text"}, "form[0].key"),
        ({"key": "a", "label": "", "type": "text"}, "form[0].label"),
        ({"key": "a", "label": "x", "type": "number"}, "form[0].type"),
        ({"key": "a", "label": "x", "type": "choice", "choices": []}, "form[0].choices"),
        ({"key": "a", "label": "x", "type": "choice", "choices": ["是", "是"]}, "form[0].choices"),
        ({"key": "a", "label": "x", "type": "choice", "choices": ["是"], "default": "否"},
         "form[0].default"),
        ({"key": "a", "label": "x", "type": "bool", "default": "yes"}, "form[0].default"),
        ({"key": "a", "label": "x", "type": "date", "default": "2030-13-01"}, "form[0].default"),
        ({"key": "a", "label": "x", "type": "photo", "default": -1}, "form[0].default"),
        ({"key": "a", "label": "x", "type": "text", "default": "长" * 501}, "form[0].default"),
    ],
)  # fmt: skip
def test_a_bad_field_is_refused_when_the_form_is_saved_naming_where(field, where):
    assert where in problems_of(lambda: visit_form.check_form([field]))


def test_a_form_with_a_key_twice_or_no_fields_is_refused():
    twice = [{"key": "a", "label": "x", "type": "text"}] * 2
    assert "form[1].key" in problems_of(lambda: visit_form.check_form(twice))
    assert "form" in problems_of(lambda: visit_form.check_form([]))
    assert "form" in problems_of(lambda: visit_form.check_form({"key": "a"}))


def test_omitted_answers_are_the_defaults_and_given_ones_are_checked_and_kept():
    answers = visit_form.answers_for(
        FORM, {"where": "外出", "back": True, "tested_on": "2030-02-03", "door": 0,
               "remark": "  门口  ", "phone_ok": "已核实"},
        where="persons.1", photos=1,
    )  # fmt: skip
    assert answers == {"where": "外出", "remark": "门口", "tested_on": "2030-02-03",
                       "back": True, "door": 0, "phone_ok": "已核实"}  # fmt: skip


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"where": "在外地"}, "persons.1.where"),
        ({"back": "true"}, "persons.1.back"),
        ({"tested_on": "yesterday"}, "persons.1.tested_on"),
        ({"door": 1}, "persons.1.door"),  # the visit has one photo: number 0
        ({"remark": 5}, "persons.1.remark"),
        ({"unknown": 1}, "persons.1.unknown"),
    ],
)
def test_a_bad_answer_is_refused_naming_the_person_and_the_question(given, field):
    given = {"phone_ok": "已核实", **given}
    problems = problems_of(lambda: visit_form.answers_for(FORM, given, where="persons.1", photos=1))
    assert field in problems


def test_a_required_answer_without_a_default_must_be_given():
    problems = problems_of(lambda: visit_form.answers_for(FORM, {}, where="persons.7"))
    assert list(problems) == ["persons.7.phone_ok"]
    assert "persons.7" in problems_of(lambda: visit_form.answers_for(FORM, [], where="persons.7"))
