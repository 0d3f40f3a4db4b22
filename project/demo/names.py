"""Deterministic Vietnamese personal names for the demo households.

Names are drawn from a ``random.Random`` with a fixed seed, so the same run of the demo
command always produces the same people. Vietnamese order is family name, middle name,
given name; Django's ``last_name`` holds "family + middle" and ``first_name`` the given name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

#: Family names with rough weights (Nguyễn is by far the most common; Thân and Giáp are
#: typical of Bắc Giang).
FAMILY_NAMES: tuple[tuple[str, int], ...] = (
    ("Nguyễn", 30),
    ("Trần", 10),
    ("Lê", 8),
    ("Phạm", 6),
    ("Hoàng", 5),
    ("Vũ", 4),
    ("Đặng", 3),
    ("Bùi", 3),
    ("Đỗ", 3),
    ("Ngô", 3),
    ("Phan", 2),
    ("Dương", 2),
    ("Thân", 3),
    ("Giáp", 2),
    ("Lý", 1),
    ("Hà", 1),
)

MALE_MIDDLE_NAMES: tuple[str, ...] = (
    "Văn",
    "Văn",
    "Văn",
    "Đức",
    "Minh",
    "Quang",
    "Hữu",
    "Công",
    "Xuân",
    "Thế",
    "Ngọc",
    "Duy",
    "Mạnh",
    "Trọng",
    "Đình",
)
FEMALE_MIDDLE_NAMES: tuple[str, ...] = (
    "Thị",
    "Thị",
    "Thị",
    "Thị",
    "Thu",
    "Thanh",
    "Ngọc",
    "Minh",
    "Hồng",
    "Phương",
    "Thị Thu",
    "Thị Thanh",
)
MALE_GIVEN_NAMES: tuple[str, ...] = (
    "Anh",
    "Bình",
    "Chiến",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hòa",
    "Hùng",
    "Huy",
    "Khánh",
    "Kiên",
    "Lâm",
    "Long",
    "Lợi",
    "Mạnh",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Tiến",
    "Toàn",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
)
FEMALE_GIVEN_NAMES: tuple[str, ...] = (
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hằng",
    "Hạnh",
    "Hiền",
    "Hoa",
    "Hồng",
    "Huyền",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Lụa",
    "Mai",
    "Nga",
    "Ngọc",
    "Nhàn",
    "Nhung",
    "Oanh",
    "Phượng",
    "Thảo",
    "Thủy",
    "Trang",
    "Tuyết",
    "Vân",
    "Yến",
)

#: Household sizes, weighted towards three to five members.
MEMBER_COUNTS: tuple[int, ...] = (1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 6, 6, 7)


@dataclass(frozen=True)
class PersonName:
    """A Vietnamese name split as Django stores it."""

    family: str
    middle: str
    given: str

    @property
    def last_name(self) -> str:
        """Family and middle name (Django's ``last_name``)."""
        return f"{self.family} {self.middle}"

    @property
    def full(self) -> str:
        """The full name, family name first."""
        return f"{self.family} {self.middle} {self.given}"


class NameGenerator:
    """Draws names and household sizes from a seeded random source."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)  # noqa: S311 - demo data, not security
        self._families = [name for name, _weight in FAMILY_NAMES]
        self._weights = [weight for _name, weight in FAMILY_NAMES]

    def name(self, *, male: bool | None = None) -> PersonName:
        """A plausible name; heads of household are more often men in village registers."""
        if male is None:
            male = self._rng.random() < 0.72
        family = self._rng.choices(self._families, weights=self._weights)[0]
        if male:
            return PersonName(
                family, self._rng.choice(MALE_MIDDLE_NAMES), self._rng.choice(MALE_GIVEN_NAMES)
            )
        return PersonName(
            family, self._rng.choice(FEMALE_MIDDLE_NAMES), self._rng.choice(FEMALE_GIVEN_NAMES)
        )

    def member_count(self) -> int:
        """The number of members of a household."""
        return self._rng.choice(MEMBER_COUNTS)

    def house_gap(self, upper: int) -> int:
        """How far the next house number is along the lane (1 to ``upper``)."""
        return self._rng.randint(1, upper)
