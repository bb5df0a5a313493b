"""The ballot's rule set and options ask the rule sets: the form shows rule sets by their titles,
the options' choices and words are the rule sets' own, and a rule set registered later is
offered and accepted without a change to the models or the form."""

import dataclasses

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ballots import counting
from ballots.models import TriggerBallot
from ballots.officer.forms import BallotForm
from ballots.officer.services import OPTION_FIELDS
from tests.factories import TriggerBallotFactory

LATER = "toy-later"


@pytest.fixture
def later_rule_set():
    """The default rule set under another name and title, registered for one test."""
    rule_set = dataclasses.replace(
        counting.get_rule_set(counting.DEFAULT_RULES), name=LATER, title="A rule set registered later"
    )
    counting.register_rule_set(rule_set)
    yield rule_set
    counting.unregister_rule_set(LATER)


def test_the_ballot_form_shows_every_rule_set_by_its_title(officer_client, constituency):
    response = officer_client.get(reverse("ballots:ballot_create", args=[constituency.pk]))

    labels = dict(response.context["form"].fields["rules"].choices)
    assert list(labels) == list(counting.RULE_SETS)
    for name, rule_set in counting.RULE_SETS.items():
        assert labels[name].startswith(rule_set.title)
        assert rule_set.title in response.content.decode()


def test_a_new_ballot_starts_with_the_default_rule_set_and_its_options(constituency):
    ballot = TriggerBallot(constituency=constituency)
    default = counting.get_rule_set(counting.DEFAULT_RULES)

    assert ballot.rules == counting.DEFAULT_RULES
    for name in OPTION_FIELDS:
        option = default.option(name)
        if option is not None:
            assert getattr(ballot, name) == option.default


def test_the_options_choices_are_the_rule_sets_own_values_and_words():
    for name in OPTION_FIELDS:
        choices = dict(TriggerBallot._meta.get_field(name).choices)
        for rule_set in counting.RULE_SETS.values():
            option = rule_set.option(name)
            if option is not None:
                assert {value: choices[value] for value in option.choices} == {
                    value: option.choice_label(value) for value in option.choices
                }


def test_the_option_fields_are_labelled_by_the_rule_sets(db):
    form = BallotForm()

    for name in OPTION_FIELDS:
        options = [rs.option(name) for rs in counting.RULE_SETS.values() if rs.option(name) is not None]
        assert form.fields[name].label == options[0].label


def test_a_rule_set_registered_later_is_offered_and_accepted(later_rule_set, constituency):
    form = BallotForm()
    ballot = TriggerBallotFactory.build(constituency=constituency, rules=LATER)

    ballot.full_clean()
    assert LATER in dict(form.fields["rules"].choices)
    assert ballot.get_rules_display() == "A rule set registered later"


def test_an_unknown_rule_set_is_refused_by_the_model(constituency):
    ballot = TriggerBallotFactory.build(constituency=constituency, rules="no-such-rules")

    with pytest.raises(ValidationError) as refused:
        ballot.full_clean()

    assert "rules" in refused.value.message_dict


def test_the_dashboard_lists_only_the_options_of_the_ballots_rule_set(officer_client, constituency):
    labels = {
        name: option.label
        for rs in counting.RULE_SETS.values()
        for name in OPTION_FIELDS
        if (option := rs.option(name))
    }

    for rules, rule_set in counting.RULE_SETS.items():
        ballot = TriggerBallotFactory(constituency=constituency, rules=rules)
        page = officer_client.get(reverse("ballots:ballot_manage", args=[ballot.pk])).content.decode()
        assert rule_set.title in page
        for name, label in labels.items():
            assert (f"<dt>{label}</dt>" in page) == (rule_set.option(name) is not None), (rules, name)
