"""The search benchmark's data: a province's plans and households, and their index rows.

Set-based: the province's tree and people through ``nominations_province.build_province``,
the plans, their revisions and register entries and the households by ``COPY``, one
dossier a village with a candidate per household by ``dashboards.grow``. The index rows
are made by :mod:`workflows.search.indexing`'s own functions (``plan_entry``,
``household_entry``, ``index_dossiers``) over objects read back in bulk, then ``COPY``-ed;
:func:`verify_sample` re-indexes a sample through ``index_plans``/``index_households`` and
checks both agree.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib
import itertools
import random
from collections.abc import Iterator
from typing import Any

YEARS = range(2022, 2027)
COMMUNE_NAMES = (
    "Tân Lập", "Hòa Bình", "Quang Trung", "Đồng Tâm", "Hưng Đạo", "Yên Thế", "Xuân Lương",
    "Phồn Xương", "Đông Sơn", "Tiến Thắng", "Hương Vĩ", "Đồng Kỳ", "Bố Hạ", "Canh Nậu",
    "Đồng Lạc", "Tam Hiệp", "Tân Sỏi", "An Thượng", "Đồng Hưu", "Hồng Kỳ",
)  # fmt: skip
VILLAGE_NAMES = (
    "Thượng", "Hạ", "Đông", "Tây", "Trung", "Nam", "Bắc", "Chùa", "Đình", "Mới",
    "Cầu", "Giữa", "Ngoài", "Trong", "Đồng", "Quán", "Chợ", "Bến", "Núi", "Gốc Gạo",
)  # fmt: skip
FAMILY = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Vũ", 4),
    ("Phan", 4), ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Hồ", 2), ("Ngô", 2), ("Dương", 2),
    ("Lý", 1), ("Đinh", 1), ("Đào", 1), ("Lương", 1), ("Trịnh", 1),
)  # fmt: skip
MIDDLE_M = ("Văn", "Văn", "Văn", "Đức", "Minh", "Hữu", "Quang", "Công", "Xuân", "Thành")
MIDDLE_F = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim")
GIVEN_M = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Hưng", "Khánh", "Long", "Minh",
    "Nam", "Phúc", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Thành", "Trung", "Hiếu", "Toàn",
)  # fmt: skip
GIVEN_F = (
    "Anh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Ngọc", "Oanh", "Phương", "Thảo",
    "Trang", "Yến", "Hạnh", "Hằng", "Huyền", "Loan", "Nhung",
)  # fmt: skip
TOPICS = (
    "phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”",
    "bình xét danh hiệu “Gia đình văn hóa”",
    "xây dựng thôn, tổ dân phố văn hóa",
    "công tác tuyên truyền, phổ biến giáo dục pháp luật",
    "phòng, chống dịch bệnh trên địa bàn",
    "Tháng hành động vì an toàn thực phẩm",
    "Ngày hội Đại đoàn kết toàn dân tộc",
    "chương trình mục tiêu quốc gia xây dựng nông thôn mới",
    "kiểm tra, đánh giá việc thực hiện quy chế dân chủ ở cơ sở",
    "hoạt động văn hóa, thể thao chào mừng Tết Nguyên đán",
    "công tác bảo vệ môi trường, thu gom rác thải",
    "phòng cháy, chữa cháy rừng mùa khô",
)
ACTS = ("triển khai", "tổ chức", "thực hiện", "kiểm tra", "sơ kết", "tổng kết")
PHRASES = (
    "Nâng cao nhận thức của cán bộ, đảng viên và nhân dân về {t}.",
    "Ban Chỉ đạo các xã, phường, thị trấn chủ động xây dựng kế hoạch thực hiện {t}.",
    "Phân công các thành viên Ban Chỉ đạo theo dõi, đôn đốc, kiểm tra việc thực hiện.",
    "Kinh phí thực hiện từ nguồn ngân sách nhà nước và các nguồn huy động hợp pháp khác.",
    "Ủy ban Mặt trận Tổ quốc Việt Nam phối hợp tuyên truyền, vận động hội viên tham gia.",
    "Định kỳ báo cáo kết quả về Thường trực Ban Chỉ đạo trước ngày 15 tháng 12 năm {y}.",
    "Bảo đảm thiết thực, hiệu quả, tránh hình thức, lãng phí; gắn với {t}.",
    "Trung tâm Văn hóa, Thông tin và Thể thao tổ chức các hoạt động hưởng ứng {t}.",
    "Phòng Văn hóa và Thông tin hướng dẫn nghiệp vụ, tổng hợp kết quả bình xét.",
)
HEADINGS = ("I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "III. TỔ CHỨC THỰC HIỆN", "IV. KINH PHÍ")


def _name(rng: random.Random) -> str:
    family = rng.choices([f for f, _ in FAMILY], weights=[w for _, w in FAMILY])[0]
    if rng.random() < 0.6:
        return f"{family} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"
    return f"{family} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"


def _content(rng: random.Random, subject: str, year: int) -> dict[str, Any]:
    topic = rng.choice(TOPICS)
    sections = []
    for heading in HEADINGS[: rng.randint(2, 4)]:
        picked = rng.sample(PHRASES, rng.randint(2, 4))
        sections.append(
            {"heading": heading, "paragraphs": [p.format(t=topic, y=year) for p in picked]}
        )
    basis = [f"Căn cứ Kế hoạch số {rng.randint(1, 200):02d}/KH-BCĐ ngày {rng.randint(1, 28)} "
             f"tháng {rng.randint(1, 12)} năm {year - 1} của Ban Chỉ đạo tỉnh;"]  # fmt: skip
    return {"subject_summary": subject, "basis": basis, "sections": sections}


def _copy(table: str, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> int:
    from django.db import connection

    n = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor (COPY)
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
    return n


def _sql(statement: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return list(cursor.fetchall()) if cursor.description else []


def seed_units(*, households: int, villages: int, communes: int) -> Any:
    """The province (``build_province`` without households), its units renamed."""
    from bench.nominations_province import build_province

    province = build_province(households=0, villages=villages, communes=communes)
    for n, staff in enumerate(province.communes):
        base = COMMUNE_NAMES[n % len(COMMUNE_NAMES)]
        staff.unit.name = f"Xã {base}" + (f" {n // len(COMMUNE_NAMES) + 1}" if n >= 20 else "")
        staff.unit.save(update_fields=["name"])
        for k, (village, _head) in enumerate(staff.villages):
            village.name = f"Thôn {VILLAGE_NAMES[k % len(VILLAGE_NAMES)]}" + (
                f" {k // len(VILLAGE_NAMES) + 1}" if k >= len(VILLAGE_NAMES) else ""
            )
            village.save(update_fields=["name"])
    return province


def seed_households(province: Any, households: int, villages: int) -> int:
    from bench.nominations_province import spread

    rng = random.Random(20)  # noqa: S311 - data, not secrets
    units = [(v, c) for c, v, _h in province.villages]

    def rows() -> Iterator[tuple[Any, ...]]:
        for (village, commune), count in zip(units, spread(households, villages), strict=True):
            for n in range(1, count + 1):
                code = f"BG{commune.unit.pk:04d}{village.pk:05d}{n:04d}"
                address = f"Xóm {rng.randint(1, 9)}, {village.name}"
                yield (village.pk, code, _name(rng), address, rng.randint(1, 7))

    return _copy(
        "nominations_household", ["village_id", "code", "head_name", "address", "member_count"],
        rows(),
    )  # fmt: skip


def seed_plans(province: Any, plans: int, issued_share: float) -> int:
    """Plans of the committee (a tenth) and the communes, one revision each, the issued
    ones numbered in a register of their agency and year (``NN/KH-BCĐ``, ``NN/KH-UBND``)."""
    from django.db import connection
    from django.utils import timezone

    from approvals.registers.models import DocumentKind, Register, RegisterKind
    from approvals.registers.symbols import format_symbol
    from workflows.plans.models import canonical_content

    rng = random.Random(21)  # noqa: S311 - data, not secrets
    kind = DocumentKind.objects.get(code="plan")
    committee = _sql("SELECT id FROM approvals_org_orgunit WHERE code = 'BCĐ'")[0][0]
    agencies = [(committee, "BCĐ", province.secretary.pk)] + [
        (s.unit.pk, "UBND", s.officer.pk) for s in province.communes
    ]
    registers: dict[tuple[int, int], Register] = {}
    for agency, _code, _author in agencies:
        for year in YEARS:
            registers[agency, year] = Register(
                agency_id=agency, year=year, name=f"Sổ kế hoạch {year}"
            )
    Register.objects.bulk_create(registers.values(), batch_size=2000)
    RegisterKind.objects.bulk_create(
        [
            RegisterKind(register=r, kind=kind, agency_id=r.agency_id, year=r.year,
                         confidential=False)
            for r in registers.values()
        ],
        batch_size=5000,
    )  # fmt: skip
    start_plan = int(_sql("SELECT coalesce(max(id), 0) FROM plans_plan")[0][0]) + 1
    start_entry = (
        int(_sql("SELECT coalesce(max(id), 0) FROM approvals_registers_registerentry")[0][0]) + 1
    )
    next_number: dict[int, int] = {}
    plan_rows: list[tuple[Any, ...]] = []
    revision_rows: list[tuple[Any, ...]] = []
    entry_rows: list[tuple[Any, ...]] = []
    now = timezone.now()
    for i in range(plans):
        pk = start_plan + i
        agency, code, author = agencies[0] if i % 10 == 0 else rng.choice(agencies[1:])
        year = rng.choice(YEARS)
        act, topic = rng.choice(ACTS), rng.choice(TOPICS)
        subject = f"Kế hoạch {act} {topic} năm {year}"
        content = _content(rng, subject, year)
        created = datetime.datetime(
            year, rng.randint(1, 12), rng.randint(1, 28), tzinfo=datetime.UTC
        )
        entry_id = None
        state = rng.choice(("draft", "division_review", "format_check", "signature"))
        if rng.random() < issued_share:
            state = rng.choice(("in_force", "closed"))
            register = registers[agency, year]
            number = next_number.get(register.pk, 1)
            next_number[register.pk] = number + 1
            entry_id = start_entry + len(entry_rows)
            symbol = format_symbol(
                number=number, kind_abbreviation="KH", issuer_code=code, min_digits=2
            )
            entry_rows.append((
                entry_id, register.pk, number, symbol, kind.pk, subject, created.date(), agency,
                "plans.plan", str(pk), "issued", "", author, now,
            ))  # fmt: skip
        plan_rows.append((
            pk, year, subject, state, 1, "", False, 0, created, created, author, agency, agency,
            kind.pk, entry_id,
        ))  # fmt: skip
        digest = hashlib.sha256(canonical_content(content)).hexdigest()
        revision_rows.append((1, content, digest, created, author, pk))
    from psycopg.types.json import Jsonb

    _copy(
        "approvals_registers_registerentry",
        ["id", "register_id", "number", "symbol", "kind_id", "subject_summary", "issued_on",
         "drafting_unit_id", "subject_type", "subject_id", "status", "void_reason",
         "issued_by_id", "created_at"],
        iter(entry_rows),
    )  # fmt: skip
    _copy(
        "plans_plan",
        ["id", "year", "subject_summary", "state", "revision_number", "returned_from",
         "needs_consultation", "consultation_working_days", "created_at", "updated_at",
         "author_id", "drafting_unit_id", "issuing_agency_id", "kind_id", "register_entry_id"],
        iter(plan_rows),
    )  # fmt: skip
    _copy(
        "plans_planrevision",
        ["number", "content", "content_sha256", "created_at", "created_by_id", "plan_id"],
        ((n, Jsonb(c), d, t, a, p) for n, c, d, t, a, p in revision_rows),
    )
    for register_id, following in next_number.items():
        Register.objects.filter(pk=register_id).update(next_number=following)
    with connection.cursor() as cursor:
        for table in ("plans_plan", "approvals_registers_registerentry"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    return plans


ENTRY_COLUMNS = [
    "kind", "object_id", "label", "subject", "body", "words", "folded", "subject_folded",
    "number", "notation", "symbol", "keys", "year", "dated", "updated_at",
]  # fmt: skip
_MIGRATIONS = ("0001_initial", "0002_kind_dated_and_subject_vector")


def _index_statements() -> list[str]:
    """The migrations' CREATE INDEX statements of the indexes they leave in place."""
    forward = [
        statement
        for name in _MIGRATIONS
        for statement in importlib.import_module(
            f"workflows.search.migrations.{name}"
        ).POSTGRES_FORWARD
    ]
    dropped = {s.split()[-1] for s in forward if s.startswith("DROP INDEX")}
    return [s for s in forward if s.startswith("CREATE INDEX") and s.split()[5] not in dropped]


def _row(entry: Any, now: datetime.datetime) -> tuple[Any, ...]:
    return (*(getattr(entry, c) for c in ENTRY_COLUMNS[:-1]), now)


def _plan_entries(chunk: int = 5000) -> Iterator[list[Any]]:
    from workflows.plans.models import Plan, PlanRevision
    from workflows.search.indexing import plan_entry

    ids = [pk for (pk,) in _sql("SELECT id FROM plans_plan ORDER BY id")]
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        plans = Plan.objects.filter(pk__in=part).select_related(
            "kind", "issuing_agency", "drafting_unit", "register_entry"
        )
        revisions = {
            (r.plan_id, r.number): r for r in PlanRevision.objects.filter(plan_id__in=part)
        }
        yield [plan_entry(plan, revisions.get((plan.pk, plan.revision_number))) for plan in plans]


def _household_entries(chunk: int = 20_000) -> Iterator[list[Any]]:
    from approvals.organisation.models import OrgUnit
    from workflows.nominations.models import Household
    from workflows.search.indexing import household_entry

    villages = {v.pk: v for v in OrgUnit.objects.filter(kind="village").select_related("parent")}
    last = 0
    while True:
        rows = _sql(
            "SELECT id, village_id, code, head_name, address FROM nominations_household "
            "WHERE id > %s ORDER BY id LIMIT %s",
            [last, chunk],
        )
        if not rows:
            return
        entries = []
        for pk, village_id, code, head_name, address in rows:
            household = Household(pk=pk, village_id=village_id, code=code, head_name=head_name,
                                  address=address)  # fmt: skip
            household.village = villages[village_id]
            entries.append(household_entry(household))
        yield entries
        last = rows[-1][0]


def seed_index() -> int:
    """The index rows of every plan and household (``indexing``'s functions, then ``COPY``),
    the dossiers through ``index_dossiers``; the full-text and trigram indexes rebuilt after."""
    from django.db import connection
    from django.utils import timezone, translation

    from workflows.nominations.models import Dossier
    from workflows.search.indexing import INDEX_LANGUAGE, index_dossiers

    create = _index_statements()
    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(f"DROP INDEX IF EXISTS {statement.split()[5]}")
    now = timezone.now()
    with translation.override(INDEX_LANGUAGE):
        n = 0
        # each chunk read, then copied: the connection cannot read while a COPY is open
        for chunk in itertools.chain(_plan_entries(), _household_entries()):
            n += _copy("search_searchentry", ENTRY_COLUMNS, (_row(e, now) for e in chunk))
    dossier_ids = list(Dossier.objects.values_list("pk", flat=True))
    for start in range(0, len(dossier_ids), 500):
        index_dossiers(dossier_ids[start : start + 500])
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for statement in create:
            cursor.execute(statement)
        cursor.execute("VACUUM ANALYZE search_searchentry")
        for table in ("plans_plan", "nominations_household", "approvals_org_orgunit",
                      "approvals_registers_registerentry", "plans_planrevision"):  # fmt: skip
            cursor.execute(f"VACUUM ANALYZE {table}")
    return n + len(dossier_ids)


def verify_sample(size: int = 300) -> list[str]:
    """Re-index a sample of plans and households through ``index_plans`` and
    ``index_households`` (inside a transaction rolled back); the differences, if any."""
    from django.db import transaction

    from workflows.search.indexing import index_households, index_plans
    from workflows.search.models import SearchEntry

    rng = random.Random(22)  # noqa: S311 - data, not secrets
    fields = ENTRY_COLUMNS[:-1]
    differences: list[str] = []
    for kind, table, index in (
        ("document", "plans_plan", index_plans),
        ("household", "nominations_household", index_households),
    ):
        ids = [pk for (pk,) in _sql(f"SELECT id FROM {table} ORDER BY random() LIMIT {size}")]
        rng.shuffle(ids)

        def read(kind: str = kind, ids: list[int] = ids) -> dict[int, tuple[Any, ...]]:
            rows = SearchEntry.objects.filter(kind=kind, object_id__in=ids).values_list(
                "object_id", *fields
            )
            return {row[0]: row[1:] for row in rows}

        before = read()
        with transaction.atomic():
            index(ids)
            after = read()
            transaction.set_rollback(True)
        for pk in ids:
            if before.get(pk) != after.get(pk):
                differences.append(f"{kind} {pk}: {before.get(pk)} != {after.get(pk)}")
    return differences
