"""calcml.seeds: agree() accepts the verified values, within tolerance, and rejects others."""

import copy

import pytest

from calcml.seeds import agree, all_seed_examples, expected, seed_example


def test_every_verified_value_agrees_with_itself():
    for example_id, entry in all_seed_examples().items():
        for key, value in entry["expected"].items():
            assert agree(example_id, key, copy.deepcopy(value)) == value


def test_agree_tolerates_rounding_in_nested_values():
    value = copy.deepcopy(expected("s002_power_lines", "argmin"))
    first = next(iter(value))
    value[first] = value[first] * (1 + 1e-12)
    agree("s002_power_lines", "argmin", value)


def test_agree_names_the_example_and_the_key_that_differs():
    value = copy.deepcopy(expected("s002_power_lines", "argmin"))
    first = next(iter(value))
    value[first] += 1
    with pytest.raises(AssertionError, match=rf"s002_power_lines\['argmin'\]\['{first}'\]"):
        agree("s002_power_lines", "argmin", value)
    with pytest.raises(AssertionError, match="verified value 0.7"):
        agree("s002_coin_mle", next(iter(seed_example("s002_coin_mle")["expected"])), 0.71)


def test_unknown_ids_and_keys_are_named():
    with pytest.raises(KeyError, match="no seed example 'nope'"):
        seed_example("nope")
    with pytest.raises(KeyError, match="has no expected value 'nope'"):
        expected("s002_coin_mle", "nope")
