"""The invented demo geometry: real Jiaxing division tree, made-up but consistent polygons.

No database: these tests check geometry only.
"""

import random
from collections import Counter, defaultdict

import numpy as np
import pytest
import shapely

from gridgov.regions.choices import LEVELS
from gridgov.regions.demo_geometry import (
    COUNTY_SEATS,
    SCALES,
    Area,
    Division,
    _split,
    generate,
    short_village_name,
)
from gridgov.regions.divisions import JIAXING_DIVISIONS, read_division_csv

JIAXING_BOUNDS = (120.30, 30.25, 121.30, 31.00)  # min lon, min lat, max lon, max lat

# Siblings share identical edges and children are made of the very faces of their parent, so
# overlaps and overhangs are exactly zero; 1e-12 deg² (about 0.01 m²) only absorbs rounding in
# the overlay that measures them.
AREA_TOLERANCE = 1e-12
# Children and parent are made of the same faces, so their areas differ only by rounding in
# the shoelace sums: terms under 1 deg², rounded at about 1e-16, over at most a few thousand
# vertices stay below 1e-12 deg² (measured: about 1e-16). That is about 0.01 m², five orders
# of magnitude below the smallest micro-grid, so any real gap or overlap would show.
TILING_TOLERANCE = 1e-12


@pytest.fixture(scope="module")
def divisions() -> list[Division]:
    return read_division_csv(JIAXING_DIVISIONS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def areas(divisions) -> list[Area]:
    return generate(divisions, scale="small", seed=2022)


@pytest.fixture(scope="module")
def by_code(areas) -> dict[str, Area]:
    return {area.code: area for area in areas}


def children_of(areas: list[Area]) -> dict[str, list[Area]]:
    children = defaultdict(list)
    for area in areas:
        if area.parent_code is not None:
            children[area.parent_code].append(area)
    return children


def polygons(areas: list[Area]) -> np.ndarray:
    return np.array([area.polygon for area in areas])


def wkb(areas: list[Area]) -> list[bytes]:
    return list(shapely.to_wkb(polygons(areas)))


# Invariants, shared by the Jiaxing tests, the other-city test and the city-scale test.


def assert_single_valid_polygons(areas: list[Area]) -> None:
    shapes = polygons(areas)
    assert shapely.is_valid(shapes).all()
    assert not shapely.is_empty(shapes).any()
    assert {shape.geom_type for shape in shapes} == {"Polygon"}


def assert_siblings_do_not_overlap(areas: list[Area]) -> None:
    for level in LEVELS[1:]:
        same_level = [area for area in areas if area.level == level]
        shapes = polygons(same_level)
        parents = np.array([area.parent_code for area in same_level])
        # Neighbours touch, so "intersects" finds them; what must be zero is the shared area.
        left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
        siblings = (left < right) & (parents[left] == parents[right])
        shared = shapely.area(shapely.intersection(shapes[left[siblings]], shapes[right[siblings]]))
        assert shared.max(initial=0) <= AREA_TOLERANCE, level
        # The check did meet the pairs it is about: every child with siblings touches one.
        met = np.zeros(len(shapes), dtype=bool)
        met[left[siblings]] = met[right[siblings]] = True
        sibling_count = Counter(parents)
        assert all(met[i] or sibling_count[parent] == 1 for i, parent in enumerate(parents))


def assert_children_lie_inside_their_parent(areas: list[Area]) -> None:
    by_code = {area.code: area for area in areas}
    children = [area for area in areas if area.parent_code is not None]
    parents = [by_code[area.parent_code] for area in children]
    overhang = shapely.area(shapely.difference(polygons(children), polygons(parents)))
    assert overhang.max() <= AREA_TOLERANCE


def assert_children_tile_their_parent(areas: list[Area]) -> None:
    by_code = {area.code: area for area in areas}
    for parent_code, kids in children_of(areas).items():
        parent_area = by_code[parent_code].polygon.area
        children_area = shapely.area(polygons(kids)).sum()
        assert abs(children_area - parent_area) <= TILING_TOLERANCE * max(1, parent_area)


def assert_every_child_has_a_sensible_share(areas: list[Area]) -> None:
    for kids in children_of(areas).values():
        sizes = shapely.area(polygons(kids))
        # No sliver as a whole cell: even the smallest child is a fair fraction of the average.
        assert sizes.min() >= 0.05 * sizes.mean()


def assert_within_bounds(areas: list[Area]) -> None:
    min_lon, min_lat, max_lon, max_lat = shapely.total_bounds(polygons(areas))
    assert JIAXING_BOUNDS[0] <= min_lon and max_lon <= JIAXING_BOUNDS[2]
    assert JIAXING_BOUNDS[1] <= min_lat and max_lat <= JIAXING_BOUNDS[3]


def assert_grid_codes_names_and_parents(areas: list[Area]) -> None:
    by_code = {area.code: area for area in areas}
    for area in areas:
        if area.level not in ("grid", "microgrid"):
            continue
        parent = by_code[area.parent_code]
        suffix = area.code.removeprefix(parent.code)
        number = int(suffix)
        if area.level == "grid":
            assert parent.level == "village"
            assert len(suffix) == 3
            assert area.name == f"{short_village_name(parent.name)}第{number}网格"
        else:
            assert parent.level == "grid"
            assert len(suffix) == 2
            assert area.name == f"{parent.name}第{number}微网格"
    for kids in children_of(areas).values():
        if kids[0].level in ("grid", "microgrid"):
            numbers = sorted(int(kid.code.removeprefix(kid.parent_code)) for kid in kids)
            assert numbers == list(range(1, len(kids) + 1))


# Reading the file.


# Codes, names and counts.


def test_every_division_gets_an_area_with_its_own_code_name_level_and_parent(divisions, by_code):
    for division in divisions:
        area = by_code[division.code]
        assert (area.name, area.level, area.parent_code) == (
            division.name,
            division.level,
            division.parent_code,
        )


def test_areas_come_top_down_by_level_then_by_code(areas):
    keys = [(LEVELS.index(area.level), area.code) for area in areas]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_small_scale_makes_one_grid_per_village_and_two_micro_grids_per_grid(areas):
    assert Counter(area.level for area in areas) == {
        "city": 1,
        "county": 7,
        "town": 72,
        "village": 1179,
        "grid": 1179,
        "microgrid": 2358,
    }
    assert_grid_codes_names_and_parents(areas)


def test_grids_and_micro_grids_are_numbered_and_named_after_their_village(by_code):
    assert by_code["330402007024001"].name == "百福弄社区第1网格"
    assert by_code["330402007024001"].parent_code == "330402007024"
    assert by_code["330402007024001"].level == "grid"
    assert by_code["33040200702400102"].name == "百福弄社区第1网格第2微网格"
    assert by_code["33040200702400102"].parent_code == "330402007024001"
    assert by_code["33040200702400102"].level == "microgrid"


@pytest.mark.parametrize(
    ("committee", "place"),
    [
        ("古塘村委会", "古塘村"),
        ("蒋村村委会", "蒋村"),
        ("三北村村民委员会", "三北村"),
        ("百福弄社区居委会", "百福弄社区"),
        ("梅湾社区居民委员会", "梅湾社区"),
        ("亚都社区", "亚都社区"),
    ],
)
def test_a_grid_is_named_after_the_place_not_its_committee(committee, place):
    assert short_village_name(committee) == place


# Geometry invariants on the real tree.


def test_every_polygon_is_one_valid_non_empty_polygon(areas):
    assert_single_valid_polygons(areas)


def test_siblings_do_not_overlap(areas):
    assert_siblings_do_not_overlap(areas)


def test_every_child_lies_inside_its_parent(areas):
    assert_children_lie_inside_their_parent(areas)


def test_children_tile_their_parent(areas):
    assert_children_tile_their_parent(areas)


def test_every_child_gets_a_sensible_share_of_its_parent(areas):
    assert_every_child_has_a_sensible_share(areas)


def test_everything_lies_within_the_jiaxing_box(areas):
    assert_within_bounds(areas)


def test_the_city_outline_is_irregular_not_a_rectangle(by_code):
    city = by_code["3304"].polygon
    assert city.area < 0.9 * city.envelope.area
    assert shapely.get_num_coordinates(city) > 20


def test_each_county_lies_around_its_real_seat(by_code):
    for code, (lon, lat) in COUNTY_SEATS.items():
        assert by_code[code].polygon.contains(shapely.Point(lon, lat)), by_code[code].name


def test_micro_grids_have_tens_of_vertices_at_most(areas):
    micro = polygons([area for area in areas if area.level == "microgrid"])
    assert shapely.get_num_coordinates(micro).max() <= 50


# Determinism.


def test_the_same_seed_gives_identical_output(divisions, areas):
    again = generate(divisions, scale="small", seed=2022)
    assert [(a.code, a.name, a.level, a.parent_code) for a in again] == [
        (a.code, a.name, a.level, a.parent_code) for a in areas
    ]
    assert wkb(again) == wkb(areas)


def test_another_seed_gives_other_polygons(divisions, areas):
    other = generate(divisions, scale="small", seed=2023)
    assert [a.code for a in other] == [a.code for a in areas]
    changed = [new != old for new, old in zip(wkb(other), wkb(areas), strict=True)]
    assert all(changed)


def test_the_order_of_the_input_rows_does_not_matter(divisions, areas):
    shuffled = divisions.copy()
    random.Random(7).shuffle(shuffled)
    assert wkb(generate(shuffled, scale="small", seed=2022)) == wkb(areas)


# Other inputs.


def made_up_city() -> list[Division]:
    """A tree with codes the generator knows no seats for, and towns of one village."""
    rows = [Division("9901", "样例市", "city", None)]
    for c in range(1, 4):
        county = f"9901{c:02d}"
        rows.append(Division(county, f"第{c}区", "county", "9901"))
        for t in range(1, c + 2):
            town = f"{county}{t:03d}"
            rows.append(Division(town, f"第{t}镇", "town", county))
            for v in range(1, 2 * t):
                rows.append(Division(f"{town}{v:03d}", f"样例{v}村委会", "village", town))
    return rows


def test_another_city_gets_random_seats_and_the_same_guarantees():
    areas = generate(made_up_city(), scale="city", seed=1)
    assert_single_valid_polygons(areas)
    assert_siblings_do_not_overlap(areas)
    assert_children_lie_inside_their_parent(areas)
    assert_children_tile_their_parent(areas)
    assert_every_child_has_a_sensible_share(areas)
    assert_within_bounds(areas)
    assert_grid_codes_names_and_parents(areas)


def test_a_cell_that_a_concave_parent_cuts_in_two_gives_the_detached_piece_to_a_neighbour():
    # A U: the cell of the point at the top of the left arm reaches across the notch into the
    # top of the right arm, which it cannot keep.
    u_shape = shapely.box(0, 0, 3, 3).difference(shapely.box(1, 1, 2, 3))
    points = np.array([(1.5, 0.5), (0.95, 2.9), (2.9, 0.5)])
    parts = _split(u_shape, points)
    assert [part.geom_type for part in parts] == ["Polygon"] * 3
    assert all(part.contains(shapely.Point(p)) for part, p in zip(parts, points, strict=True))
    assert parts[1].bounds[2] <= 1  # the left arm's cell stays in the left arm
    assert sum(part.area for part in parts) == pytest.approx(u_shape.area, abs=1e-12)
    assert shapely.coverage_union_all(parts).equals(u_shape)


def test_an_unknown_scale_is_refused_with_the_known_ones(divisions):
    with pytest.raises(ValueError, match=r"'huge'.*small, city"):
        generate(divisions, scale="huge")
    assert SCALES == ("small", "city")


def test_a_division_with_an_unknown_parent_is_refused():
    rows = [Division("9901", "样例市", "city", None), Division("990101", "第1区", "county", "98")]
    with pytest.raises(ValueError, match=r"990101.*unknown parent code 98"):
        generate(rows)


# Jiaxing scale: generated once, since it takes several seconds.


def test_city_scale_gives_jiaxing_its_thousands_of_grids_with_the_same_guarantees(divisions):
    areas = generate(divisions, scale="city", seed=2022)
    counts = Counter(area.level for area in areas)
    assert counts["grid"] >= 4000
    assert counts["microgrid"] >= 40000
    assert_grid_codes_names_and_parents(areas)
    assert_single_valid_polygons(areas)
    assert_siblings_do_not_overlap(areas)
    assert_children_lie_inside_their_parent(areas)
    assert_children_tile_their_parent(areas)
    assert_within_bounds(areas)
    micro = polygons([area for area in areas if area.level == "microgrid"])
    assert shapely.get_num_coordinates(micro).max() <= 50
