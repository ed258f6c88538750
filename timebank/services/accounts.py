"""Accounts: a member's opened on first need, the commons', their rows locked in one order, and the
coordinators' care of them (limits, closing)."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suite.tasks import enqueue_on_commit

from .. import tasks
from ..conf import app_settings
from ..errors import AccountError
from ..formatting import hours
from ..models import COMMONS, Account, ExchangeRequest
from .checks import MAX_TRANSFER_MINUTES, require_perm


def member_limits() -> tuple[int, int]:
    """The lowest and highest balance (minutes) a member's new account gets, from settings."""
    return (
        app_settings.MIN_BALANCE_MINUTES,
        app_settings.MAX_BALANCE_MINUTES,
    )


def account_for(member) -> Account:
    """The member's account, opened on first need with the limits from settings (no signal: a plugin)."""
    low, high = member_limits()
    account, _created = Account.objects.get_or_create(member=member, defaults={"min_balance": low, "max_balance": high})
    account.member = member  # its own: naming the account (a message, a statement) needs no query
    return account


def commons_account() -> Account:
    """The NLU commons issues the credits, so it has no limits and its balance runs negative."""
    account, _created = Account.objects.get_or_create(system_name=COMMONS)
    return account


def lock_accounts(*accounts: Account) -> dict[int, Account]:
    """Lock the accounts' rows in ascending pk order, in one query; fresh copies by pk.

    One statement still takes the locks one row at a time in that order: with ORDER BY, PostgreSQL
    sorts first and locks each row as it leaves the sort (the plan is LockRows over the ordered
    rows; its SELECT reference says so under "The Locking Clause"). A pk never changes, so the
    order cannot shift while it waits for a lock.
    """
    pks = {a.pk for a in accounts}
    locked = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=pks).order_by("pk")}
    if len(locked) != len(pks):
        raise Account.DoesNotExist(f"no account {sorted(pks - set(locked))}")
    return locked


def _check_member_account(account: Account, by) -> None:
    require_perm(by, "timebank.change_account", _("Only a coordinator can change an account."), AccountError)
    if account.member_id is None:
        raise AccountError(_("The commons account has no limits and cannot be closed."), code="system_account")


def _lock_member_account(account: Account, by) -> Account:
    _check_member_account(account, by)
    return lock_accounts(account)[account.pk]


@transaction.atomic
def account_set_limits(*, account: Account, min_balance: int | None, max_balance: int | None, by) -> Account:
    """New limits (``None``: none) that the current balance keeps; a limit it breaks is refused.

    Each refusal's code names the limit at fault (``bad_min_balance``, ``max_balance_broken`` ...).
    """
    for value, name in ((min_balance, "min_balance"), (max_balance, "max_balance")):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_TRANSFER_MINUTES
        ):
            raise AccountError(
                _("Give each limit as a whole number of minutes up to %(max)s, or leave it empty for no limit.")
                % {"max": MAX_TRANSFER_MINUTES},
                code=f"bad_{name}",
            )
    if min_balance is not None and max_balance is not None and min_balance > max_balance:
        raise AccountError(_("The minimum cannot be above the maximum."), code="min_above_max")
    locked = _lock_member_account(account, by)
    if min_balance is not None and locked.balance < min_balance:
        raise AccountError(
            _("%(account)s has %(balance)s, already below that minimum.")
            % {"account": locked, "balance": hours(locked.balance)},
            code="min_balance_broken",
        )
    if max_balance is not None and locked.balance > max_balance:
        raise AccountError(
            _("%(account)s has %(balance)s, already above that maximum.")
            % {"account": locked, "balance": hours(locked.balance)},
            code="max_balance_broken",
        )
    locked.min_balance, locked.max_balance = min_balance, max_balance
    locked.save(update_fields=["min_balance", "max_balance"])
    return locked


def _account_set_closed(account: Account, by, closed: bool) -> Account:
    locked = _lock_member_account(account, by)
    if locked.closed != closed:
        locked.closed = closed
        locked.save(update_fields=["closed"])
    return locked


def lock_waiting_requests(account: Account) -> list[ExchangeRequest]:
    """The exchange requests still waiting on ``account``, made by its member or to them, locked:
    before the account, the one order of locks (see ``ledger``)."""
    return list(
        ExchangeRequest.objects.select_for_update()
        .filter(Q(creditor=account) | Q(debtor=account), status=ExchangeRequest.Status.PENDING)
        .filter(expires_at__gt=timezone.now())  # those past their date are the expiry's, as ever
        .order_by("pk")
    )


def cancel_waiting_requests(account: Account, requests: list[ExchangeRequest]) -> None:
    """Cancel the locked ``requests`` of the closed ``account``; both sides of each are mailed."""
    now, Side = timezone.now(), ExchangeRequest.Side
    for side in (Side.CREDITOR, Side.DEBTOR):
        pks = [r.pk for r in requests if getattr(r, f"{side}_id") == account.pk]
        ExchangeRequest.objects.filter(pk__in=pks).update(
            status=ExchangeRequest.Status.CLOSED, decided_at=now, closed_side=side
        )
    for request in requests:
        enqueue_on_commit(tasks.send_exchange_mail, request_id=request.pk)


@transaction.atomic
def account_close(*, account: Account, by) -> Account:
    """Stop all payments to and from a member's account; its history and balance stay.

    The exchange requests still waiting on it, made by its member or to them, could never be
    paid now: they are cancelled, and both sides told, rather than left to expire. They are
    locked before the account, the one order of locks (see ``ledger``), so a confirmation under
    way either pays first or then finds the request cancelled.
    """
    _check_member_account(account, by)
    waiting = lock_waiting_requests(account)
    closed = _account_set_closed(account, by, True)
    cancel_waiting_requests(closed, waiting)
    return closed


@transaction.atomic
def account_reopen(*, account: Account, by) -> Account:
    """Open a closed account again; not one whose member left the site (``timebank.privacy``)."""
    _check_member_account(account, by)
    if lock_accounts(account)[account.pk].left_at is not None:
        raise AccountError(
            _("Its member closed their account on the site, so this account stays closed."), code="member_left"
        )
    return _account_set_closed(account, by, False)
