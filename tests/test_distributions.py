import math
import warnings

import pytest

from hpint.distributions import (
    CategoricalDistribution,
    DiscreteUniformDistribution,
    FloatDistribution,
    IntDistribution,
    IntLogUniformDistribution,
    IntUniformDistribution,
    LogUniformDistribution,
    UniformDistribution,
    check_distribution_compatibility,
    distribution_to_json,
    json_to_distribution,
)

ALL = [
    FloatDistribution(-1.5, 2.0),
    FloatDistribution(1e-5, 1e-1, log=True),
    FloatDistribution(0.0, 1.0, step=0.1),
    IntDistribution(0, 10),
    IntDistribution(1, 1024, log=True),
    IntDistribution(-4, 8, step=4),
    CategoricalDistribution(["adam", "sgd"]),
    CategoricalDistribution([None, True, 1, 2.5, "x"]),
    UniformDistribution(0.0, 1.0),
    LogUniformDistribution(1e-3, 1.0),
    DiscreteUniformDistribution(0.0, 1.0, 0.25),
    IntUniformDistribution(0, 9, 3),
    IntLogUniformDistribution(1, 100),
]


@pytest.mark.parametrize("dist", ALL, ids=repr)
def test_json_round_trip_keeps_type_and_value(dist):
    back = json_to_distribution(distribution_to_json(dist))
    assert type(back) is type(dist)
    assert back == dist
    assert hash(back) == hash(dist)


def test_categorical_choices_keep_their_types():
    dist = json_to_distribution(distribution_to_json(CategoricalDistribution([None, True, 1, 2.5, "x"])))
    assert [type(c) for c in dist.choices] == [type(None), bool, int, float, str]
    # True and 1 are different choices: each maps to its own index.
    assert dist.to_internal_repr(True) == 1.0
    assert dist.to_internal_repr(1) == 2.0
    assert dist.to_external_repr(0.0) is None


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: FloatDistribution(2.0, 1.0), r"`low` \(2.0\) must be less than or equal to `high` \(1.0\)"),
        (lambda: FloatDistribution(0.0, 1.0, log=True), r"`low` \(0.0\) must be larger than 0"),
        (lambda: FloatDistribution(0.1, 1.0, log=True, step=0.1), r"`step` \(0.1\) cannot be combined"),
        (lambda: FloatDistribution(0.0, 1.0, step=0.0), r"`step` \(0.0\) must be larger than 0"),
        (lambda: IntDistribution(5, 1), r"`low` \(5\) must be less than or equal to `high` \(1\)"),
        (lambda: IntDistribution(0, 10, log=True), r"`low` \(0\) must be at least 1"),
        (lambda: IntDistribution(1, 10, log=True, step=2), r"`step` \(2\) must be 1"),
        (lambda: CategoricalDistribution([]), "one or more"),
        (lambda: FloatDistribution(0.0, math.inf), r"`high` must be finite"),
    ],
)
def test_bad_arguments_raise_naming_parameter_and_value(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_non_numeric_bounds_raise_type_error():
    with pytest.raises(TypeError, match="`low` must be a number"):
        FloatDistribution("a", 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="`high` must be an integer"):
        IntDistribution(0, 1.5)  # type: ignore[arg-type]


def test_step_not_dividing_range_adjusts_high_with_warning():
    with pytest.warns(UserWarning, match="replaced by 0.9"):
        d = FloatDistribution(0.0, 0.95, step=0.1)
    assert d.high == pytest.approx(0.9)
    with pytest.warns(UserWarning, match="replaced by 9"):
        assert IntDistribution(1, 10, step=2).high == 9


def test_contains_and_single():
    d = FloatDistribution(0.0, 1.0, step=0.25)
    assert d._contains(0.75) and not d._contains(0.8) and not d._contains(1.25)
    assert IntDistribution(3, 3).single()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert FloatDistribution(0.0, 0.05, step=0.1).single()
    assert CategoricalDistribution(["only"]).single()
    assert not CategoricalDistribution(["a", "b"]).single()


def test_to_internal_repr_rejects_values_outside_the_type():
    with pytest.raises(ValueError, match="not among the choices"):
        CategoricalDistribution(["a"]).to_internal_repr("b")
    with pytest.raises(ValueError, match="not a number"):
        FloatDistribution(0, 1).to_internal_repr("x")


def test_compatibility():
    check_distribution_compatibility(FloatDistribution(0, 1), FloatDistribution(-5, 5))
    check_distribution_compatibility(IntDistribution(0, 1), IntDistribution(0, 9, step=3))
    with pytest.raises(ValueError, match="Cannot use a categorical distribution"):
        check_distribution_compatibility(FloatDistribution(0, 1), CategoricalDistribution(["a"]))
    with pytest.raises(ValueError, match="choices cannot change"):
        check_distribution_compatibility(CategoricalDistribution(["a"]), CategoricalDistribution(["a", "b"]))
    with pytest.raises(ValueError, match="Cannot change `log`"):
        check_distribution_compatibility(FloatDistribution(1, 2), FloatDistribution(1, 2, log=True))


def test_unknown_json_raises():
    with pytest.raises(ValueError, match="Unknown distribution 'Nope'"):
        json_to_distribution('{"name": "Nope", "attributes": {}}')
