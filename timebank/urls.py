from django.urls import path

from .views import account, board, community, coordinate, exchanges

app_name = "timebank"

urlpatterns = [
    path("", account.account_page, name="account"),
    path("statement.csv", account.statement_csv, name="statement_csv"),
    path("record/", exchanges.exchange_new, name="exchange_new"),
    path("give/", account.gift_new, name="gift_new"),
    path("requests/<int:pk>/confirm/", exchanges.request_confirm, name="request_confirm"),
    path("requests/<int:pk>/decline/", exchanges.request_decline, name="request_decline"),
    path("requests/<int:pk>/cancel/", exchanges.request_cancel, name="request_cancel"),
    path("offers/", board.board, name="board"),
    path("offers/new/", board.offer_new, name="offer_new"),
    path("offers/<int:pk>/", board.offer_page, name="offer"),
    path("offers/<int:pk>/edit/", board.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/close/", board.offer_close, name="offer_close"),
    path("community/", community.community, name="community"),
    path("coordinate/accounts/", coordinate.coordinate_accounts, name="coordinate_accounts"),
    path("coordinate/accounts/<int:pk>/", coordinate.coordinate_account, name="coordinate_account"),
    path(
        "coordinate/accounts/<int:pk>/statement.csv",
        coordinate.coordinate_statement_csv,
        name="coordinate_statement_csv",
    ),
    path("coordinate/accounts/<int:pk>/limits/", coordinate.coordinate_limits, name="coordinate_limits"),
    path("coordinate/accounts/<int:pk>/status/", coordinate.coordinate_status, name="coordinate_status"),
    path("coordinate/transfers/<int:pk>/reverse/", coordinate.coordinate_reverse, name="reverse"),
    path("coordinate/grant/", coordinate.coordinate_grant, name="grant"),
]
