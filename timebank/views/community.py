"""The community page: what the members have given each other, open to all."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from suite.rendering import render

from .. import charts, selectors
from ..formatting import hours


def community(request):
    months = selectors.minutes_by_month()
    chart = charts.bar_chart(
        [
            charts.Point(
                value=minutes,
                tick=date_format(month, "M"),
                hover=f"{date_format(month, 'YEAR_MONTH_FORMAT')}: {hours(minutes)}",
            )
            for month, minutes in months
        ],
        title=_("Hours given, month by month"),
        label=_("Hours given in each of the last 12 months; this month %(amount)s.") % {"amount": hours(months[-1][1])},
        value_label=hours,
    )
    context = {
        "figures": selectors.community_figures(),
        "open_offers": selectors.open_offer_counts(),
        "months": months,
        "chart": chart,
    }
    return render(request, "timebank/community.html", context)
