"""Grievance-level exports, streamed: CSV (UTF-8 with a BOM, so Excel reads Bangla) and XLSX.

One row per grievance received in the period, in the districts the user may see: code,
office, district, upazila, category, channel, the dates received / first response /
resolved / closed (Dhaka time), status, outcome, tier, overdue now
(`Grievance.objects.overdue`, the one definition) and the citizen's latest feedback and
rating. No contact data and no free text, for anyone: an export leaves the system, and the
columns are the same whoever asks.

Rows come from one server-side cursor (`QuerySet.iterator`) inside a read-only transaction on
`read_alias()` (the read replica when there is one), so memory stays flat however many rows
there are; the transaction keeps PostgreSQL from materialising the whole result first (a
cursor outside a transaction is WITH HOLD). The first bytes (the BOM and the header row) leave
before the query runs.

The XLSX is written here, not by a spreadsheet library: xlsxwriter (constant_memory) and
openpyxl (write_only) both assemble the zip file only when the workbook is closed, so the
first byte of a million-row export would wait for the last row (and a proxy's read timeout).
An XLSX file is a zip of a few XML parts; `zipfile` writes one to a stream that cannot seek
(data descriptors), so the sheet is compressed and sent as its rows are read. Cells are
inline strings, numbers and dates (real date cells, shown as yyyy-mm-dd hh:mm); a sheet holds
Excel's maximum of rows and the export goes on in the next sheet.
"""

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import IO, Any, cast

from django.db import connections, transaction
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from core.calendar import DHAKA
from core.db_routers import read_alias
from dashboards.metrics import Filters
from grievances.models import (
    Feedback,
    Grievance,
    GrievanceChannel,
    GrievanceOutcome,
    GrievanceStatus,
    GrievanceTier,
)

BATCH = 2000  # rows per fetch from the server-side cursor
CSV_FLUSH_ROWS = 1000
XLSX_MAX_ROWS = 1_048_575  # Excel's rows per sheet, less the header
XLSX_FLUSH_BYTES = 64 * 1024

# Dates: a text "2026-11-04 12:25" (CSV) or an Excel serial day number (XLSX), Dhaka time.
_DHAKA_TEXT = "to_char(%(expressions)s AT TIME ZONE 'Asia/Dhaka', 'YYYY-MM-DD HH24:MI')"
_DHAKA_SERIAL = (
    "(extract(epoch from %(expressions)s AT TIME ZONE 'Asia/Dhaka') / 86400 + 25569)::float8"
)


class _DhakaText(Func):
    template = _DHAKA_TEXT
    output_field = CharField()


class _DhakaSerial(Func):
    template = _DHAKA_SERIAL
    output_field = FloatField()


DATE_FIELDS = ("received_at", "first_responded_at", "resolved_at", "closed_at")


def export_headers() -> list[str]:
    """The column titles, in the active language."""
    return [
        pgettext("export column", "Tracking code"),
        pgettext("export column", "Office"),
        pgettext("export column", "District"),
        pgettext("export column", "Upazila"),
        pgettext("export column", "Category"),
        pgettext("export column", "Channel"),
        pgettext("export column", "Received"),
        pgettext("export column", "First response"),
        pgettext("export column", "Resolved"),
        pgettext("export column", "Closed"),
        pgettext("export column", "Status"),
        pgettext("export column", "Outcome"),
        pgettext("export column", "Tier"),
        pgettext("export column", "Overdue"),
        pgettext("export column", "Feedback"),
        pgettext("export column", "Rating"),
    ]


def period_bounds(filters: Filters) -> tuple[datetime, datetime]:
    """The period's Dhaka days as [start, end) moments."""
    start = datetime.combine(filters.start, time.min, tzinfo=DHAKA)
    end = datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=DHAKA)
    return start, end


def grievance_export_queryset(
    *, filters: Filters, now: datetime, excel_dates: bool = False, using: str | None = None
) -> Any:
    """The rows as tuples, in id order: the export's one query (a selector; the caller has
    decided which districts the user may see and put them in `filters`)."""
    start, end = period_bounds(filters)
    qs = Grievance.objects.using(using or read_alias()).filter(
        received_at__gte=start, received_at__lt=end
    )
    if filters.district_ids is not None:
        qs = qs.filter(district_id__in=list(filters.district_ids))
    if filters.category_id is not None:
        qs = qs.filter(category_id=filters.category_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    latest_feedback = Feedback.objects.filter(grievance=OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    feedback = latest_feedback.annotate(
        said=Concat(
            Case(When(is_fixed=True, then=Value("F")), default=Value("N")),
            Coalesce(Cast("rating", CharField()), Value("")),
            output_field=CharField(),
        )
    ).values("said")[:1]
    date = _DhakaSerial if excel_dates else _DhakaText
    suffix = "en" if (get_language() or "bn").startswith("en") else "bn"
    return (
        qs.annotate(
            overdue_now=Exists(Grievance.objects.overdue(now).filter(pk=OuterRef("pk"))),
            feedback_said=Subquery(feedback, output_field=CharField()),
            **{f"x_{name}": date(F(name)) for name in DATE_FIELDS},
        )
        .order_by("id")
        .values_list(
            "tracking_code",
            f"office__name_{suffix}",
            f"district__name_{suffix}",
            f"upazila__name_{suffix}",
            f"category__name_{suffix}",
            "channel",
            *(f"x_{name}" for name in DATE_FIELDS),
            "status",
            "outcome",
            "tier",
            "overdue_now",
            "feedback_said",
        )
    )


@dataclass
class RowCount:
    rows: int = 0
    finished: bool = False


def export_rows(
    *, filters: Filters, now: datetime, excel_dates: bool, count: RowCount
) -> Iterator[tuple[Any, ...]]:
    """The export's rows with their labels in the active language (read when the first row
    is asked for: call it while the request's language is active, i.e. in the view)."""
    labels: dict[str, dict[Any, str]] = {
        "status": {v: str(label) for v, label in GrievanceStatus.choices},
        "channel": {v: str(label) for v, label in GrievanceChannel.choices},
        "outcome": {v: str(label) for v, label in GrievanceOutcome.choices},
        "tier": {v: str(label) for v, label in GrievanceTier.choices},
    }
    yes, fixed, not_fixed = (
        _("Yes"),
        pgettext("feedback", "Fixed"),
        pgettext("feedback", "Not fixed"),
    )
    qs = grievance_export_queryset(filters=filters, now=now, excel_dates=excel_dates)
    status, channel, outcome, tier = (
        labels["status"],
        labels["channel"],
        labels["outcome"],
        labels["tier"],
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        # A transaction, so the server-side cursor streams instead of being held (WITH HOLD
        # materialises the whole result before the first row).
        with transaction.atomic(using=qs.db):
            with connections[qs.db].cursor() as cursor:
                # A streaming read: compiling the plan would only delay the first row.
                cursor.execute("SET LOCAL jit = off")
            for (
                code,
                office,
                district,
                upazila,
                category,
                chan,
                received,
                responded,
                resolved,
                closed,
                state,
                result,
                level,
                overdue,
                said,
            ) in qs.iterator(chunk_size=BATCH):
                count.rows += 1
                yield (
                    code,
                    office,
                    district,
                    upazila or "",
                    category or "",
                    channel.get(chan, chan),
                    received,
                    responded,
                    resolved,
                    closed,
                    status.get(state, state),
                    outcome.get(result, result),
                    tier.get(level, level),
                    yes if overdue else "",
                    "" if said is None else (fixed if said[0] == "F" else not_fixed),
                    int(said[1:]) if said and len(said) > 1 else None,
                )
        count.finished = True

    return rows()


# --- CSV ---------------------------------------------------------------------------------------


def csv_stream(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (Excel then reads Bangla), a header row, then the rows,
    sent every CSV_FLUSH_ROWS rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers)
    yield buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
        pending += 1
        if pending == CSV_FLUSH_ROWS:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode()


# --- XLSX --------------------------------------------------------------------------------------

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_HEAD = (
    f'{_XML}<worksheet xmlns="{_NS}" xmlns:r="{_REL_NS}">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
    '<cols><col min="1" max="16" width="18" customWidth="1"/></cols><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_CONTROL = {c: None for c in range(32) if c not in (9, 10, 13)}  # not allowed in XML 1.0


def _text(value: str, style: str = "") -> str:
    return f'<c t="inlineStr"{style}><is><t>{value.translate(_ESCAPES).translate(_CONTROL)}</t></is></c>'


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"<c><v>{value}</v></c>"
    return _text(str(value))


def _memo(render: Callable[[Any], str], limit: int = 10_000) -> Callable[[Any], str]:
    """`render` remembered per value (bounded: a column of mostly distinct values only pays
    for the dictionary)."""
    seen: dict[Any, str] = {}

    def cell(value: Any) -> str:
        try:
            return seen[value]
        except KeyError:
            if len(seen) >= limit:
                seen.clear()
            xml = seen[value] = render(value)
            return xml

    return cell


def _date_cell(value: float | None) -> str:
    return "<c/>" if value is None else f'<c s="1"><v>{value:.6f}</v></c>'


class _Sink:
    """The zip file's output: bytes collected until the stream takes them."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        self.size = 0
        return data


def xlsx_stream(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str,
    date_columns: Sequence[int] = (),
    distinct_columns: Sequence[int] = (0,),
    max_rows: int = XLSX_MAX_ROWS,
) -> Iterator[bytes]:
    """An XLSX workbook, sent as it is written. `date_columns`: the indexes of the columns
    holding Excel serial dates; `distinct_columns`: those whose values rarely repeat (the
    others' cells are rendered once per value: names and labels repeat on every row)."""
    cells: list[Callable[[Any], str]] = [
        _date_cell if i in date_columns else _cell if i in distinct_columns else _memo(_cell)
        for i in range(len(headers))
    ]
    header_xml = "<row>" + "".join(_text(h, ' s="2"') for h in headers) + "</row>"
    sink = _Sink()
    rows_left = iter(rows)
    titles: list[str] = []
    with zipfile.ZipFile(
        cast("IO[bytes]", sink), "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
    ) as book:
        more = True
        while more:
            titles.append(_sheet_name(sheet_title, len(titles) + 1))
            with book.open(f"xl/worksheets/sheet{len(titles)}.xml", "w") as sheet:
                sheet.write((_SHEET_HEAD + header_xml).encode())
                yield sink.take()
                batch: list[str] = []
                more = False
                for written, row in enumerate(rows_left, start=1):
                    batch.append(
                        "<row>"
                        + "".join([f(v) for f, v in zip(cells, row, strict=True)])
                        + "</row>"
                    )
                    if len(batch) == 500:
                        sheet.write("".join(batch).encode())
                        batch.clear()
                        if sink.size >= XLSX_FLUSH_BYTES:
                            yield sink.take()
                    if written == max_rows:
                        more = True
                        break
                sheet.write(("".join(batch) + _SHEET_TAIL).encode())
            yield sink.take()
        _write_workbook_parts(book, titles)
    yield sink.take()


def _sheet_name(title: str, number: int) -> str:
    clean = "".join(c for c in title if c not in "[]:*?/\\")[:25] or "Sheet"
    return clean if number == 1 else f"{clean} {number}"


def _write_workbook_parts(book: zipfile.ZipFile, titles: list[str]) -> None:
    count = len(titles)
    sheets = "".join(
        f'<sheet name="{t.translate(_ESCAPES)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, t in enumerate(titles, start=1)
    )
    book.writestr(
        "xl/workbook.xml",
        f'{_XML}<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheets>{sheets}</sheets></workbook>',
    )
    relations = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    book.writestr(
        "xl/_rels/workbook.xml.rels",
        f'{_XML}<Relationships xmlns="{_PKG_REL_NS}">{relations}'
        f'<Relationship Id="rId{count + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        "</Relationships>",
    )
    book.writestr("xl/styles.xml", _STYLES)
    book.writestr(
        "_rels/.rels",
        f'{_XML}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    )
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{main}.worksheet+xml"/>'
        for i in range(1, count + 1)
    )
    book.writestr(
        "[Content_Types].xml",
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{main}.styles+xml"/>'
        f"{overrides}</Types>",
    )
