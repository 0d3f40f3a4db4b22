"""Import a village's household list and a review meeting's votes from XLSX or CSV.

The whole file is read and every row checked before anything is written. A file with bad
rows is refused whole: ``ValidationFailed.params["rows"]`` lists every problem as
``(row, column, problem)``, the row numbered as the spreadsheet shows it and the column
named by its header in the file. Formulas are never evaluated: a formula cell, or a text
that a spreadsheet would run as one (“=”, “+”, “-”, “@” first), is refused.

:mod:`.reading` turns the file into rows, :mod:`.checking` checks their cells,
:mod:`.problems` words the refusal; :mod:`.households` and :mod:`.votes` write the result.
"""

from __future__ import annotations

from workflows.nominations.imports.checking import FORMULA_PREFIXES
from workflows.nominations.imports.households import (
    HOUSEHOLD_COLUMNS,
    IMPORT_HOUSEHOLDS,
    ImportResult,
    households_import,
    households_import_check,
)
from workflows.nominations.imports.problems import MESSAGE_ROWS, RowProblem
from workflows.nominations.imports.reading import (
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    MAX_XLSX_UNPACKED_BYTES,
    XLSX_MAX_ROWS,
    Column,
    Progress,
    file_check,
)
from workflows.nominations.imports.votes import (
    IMPORT_VOTES,
    VOTE_COLUMNS,
    votes_import,
    votes_import_check,
)

__all__ = [
    "FORMULA_PREFIXES",
    "HEADER_SEARCH_ROWS",
    "HOUSEHOLD_COLUMNS",
    "IMPORT_HOUSEHOLDS",
    "IMPORT_VOTES",
    "MAX_COLUMNS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "MAX_XLSX_UNPACKED_BYTES",
    "MESSAGE_ROWS",
    "VOTE_COLUMNS",
    "XLSX_MAX_ROWS",
    "Column",
    "ImportResult",
    "Progress",
    "RowProblem",
    "file_check",
    "households_import",
    "households_import_check",
    "votes_import",
    "votes_import_check",
]
