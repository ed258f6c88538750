"""An account's statement, as the member and the coordinators see it: a page of it with the balance
chart, and the whole of it as CSV."""

import csv
from decimal import Decimal

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import charts, selectors
from ..formatting import hours
from ..models import Account, Transfer
from .common import party

STATEMENT_PAGE = 25


def _statement(request, account: Account):
    page = Paginator(selectors.account_statement(account), STATEMENT_PAGE).get_page(request.GET.get("page"))
    others = selectors.account_names({transfer.other_id for transfer in page})
    for transfer in page:
        transfer.other = party(others[transfer.other_id])
    return page


def _balance_chart(account: Account) -> tuple[str, str]:
    """The chart of the account's balance over its history (``selectors.balance_chart_start``), and its title.

    Each month's first day is named below the line; past a year, every other month, counted back
    from this one, so that the names never run into each other on a phone.
    """
    since = selectors.balance_chart_start(account)
    series = selectors.balance_by_day(account, since=since)
    months = {(day.year, day.month) for day, _balance in series}
    step = 1 if len(months) <= 12 else 2
    this_month = series[-1][0]
    last = len(series) - 1

    def tick(day) -> str:
        ago = (this_month.year - day.year) * 12 + this_month.month - day.month
        return date_format(day, "M") if day.day == 1 and ago % step == 0 else ""

    points = [
        charts.Point(
            value=balance,
            tick=tick(day),
            # A step chart names only its last point (today): a year of hover texts would go unread.
            hover=f"{date_format(day, 'DATE_FORMAT')}: {hours(balance)}" if index == last else "",
        )
        for index, (day, balance) in enumerate(series)
    ]
    title = _("Balance since %(month)s") % {"month": date_format(since, "YEAR_MONTH_FORMAT")}
    chart = charts.step_chart(
        points,
        title=title,
        label=_("%(title)s; now %(balance)s.") % {"title": title, "balance": hours(account.balance)},
        value_label=hours,
    )
    return chart, title


def account_context(request, account: Account) -> dict:
    """What the member's page and the coordinators' page of an account both show: a page of its
    statement and its balance chart."""
    chart, chart_title = _balance_chart(account)
    return {
        "account": account,
        "statement": _statement(request, account),
        "chart": chart,
        "chart_title": chart_title,
    }


class _Echo:
    """A file-like for ``csv.writer`` that hands each line back instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def _csv_hours(minutes: int) -> str:
    return f"{Decimal(minutes) / 60:.2f}"


def _csv_text(value: str) -> str:
    """Text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) is kept as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def statement_csv_response(account: Account) -> StreamingHttpResponse:
    """The whole statement, streamed row by row so that a long ledger never sits in memory."""
    # Worked out now: the rows are written after this view returns, when the request's
    # language and time zone are no longer active.
    zone = timezone.get_current_timezone()
    kinds = {kind: str(label) for kind, label in Transfer.Kind.choices}
    commons_label = str(_("NLU commons"))
    header = [
        _("Date (%(zone)s)") % {"zone": zone.key},
        _("Other party"),
        _("Kind"),
        _("Memo"),
        _("Amount (minutes)"),
        _("Amount (hours)"),
        _("Balance after (minutes)"),
        _("Balance after (hours)"),
    ]

    def rows():
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(header)  # the mark tells spreadsheets the file is UTF-8
        statement = selectors.account_statement(account)
        others = {
            pk: _csv_text(party(other, commons_label))
            for pk, other in selectors.account_names(statement.order_by().values("other_id")).items()
        }
        for transfer in statement.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    timezone.localtime(transfer.created_at, zone).strftime("%Y-%m-%d %H:%M"),
                    others[transfer.other_id],
                    kinds[transfer.kind],
                    _csv_text(transfer.memo),
                    transfer.amount,
                    _csv_hours(transfer.amount),
                    transfer.balance_after,
                    _csv_hours(transfer.balance_after),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="statement.csv"'
    return response
