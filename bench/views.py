"""Views that exist only under ``bench.settings``: never mounted by the site itself."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from timebank.models import Account, Transfer
from timebank.services import TransferError, transfer_create
from timebank.views.refusals import refusal_status


def hello(request):
    """The framework floor: the same middleware as every page, no database, no template."""
    return HttpResponse("Hello, world", content_type="text/plain")


@csrf_exempt
@require_POST
def transfer(request):
    """One transfer between two accounts given by id, through the timebank's service.

    The cost measured is the ledger service's (locks, checks, ledger row) plus one request
    through gunicorn, without a form's session, CSRF check and redirect.
    No authentication: it is only served on 127.0.0.1 while ``bench/run`` runs.
    """
    try:
        payer_id, payee_id = int(request.POST["payer"]), int(request.POST["payee"])
        minutes, key = int(request.POST["minutes"]), request.POST["key"]
    except (KeyError, ValueError):
        return JsonResponse({"code": "bad_request"}, status=400)
    accounts = Account.objects.in_bulk([payer_id, payee_id])
    if len(accounts) != len({payer_id, payee_id}):
        return JsonResponse({"code": "no_account"}, status=404)
    try:
        made = transfer_create(
            payer=accounts[payer_id],
            payee=accounts[payee_id],
            minutes=minutes,
            kind=Transfer.Kind.EXCHANGE,
            memo="bench",
            idempotency_key=key,
        )
    except TransferError as error:
        return JsonResponse({"code": error.code}, status=refusal_status(error))
    return JsonResponse({"id": made.pk}, status=201)
