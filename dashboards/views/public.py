"""The public site's front page and the SMS-code step every public form shares (no login)."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from hotline import confirmations, ratelimits, workflow
from hotline.models import Pledge, PromotionRequest, ServiceGuide


def home(request):
    published = {
        "products": PromotionRequest.objects.filter(
            status__in=[PromotionRequest.Status.PUBLISHED, PromotionRequest.Status.DONE]
        ).count(),
        "pledges": Pledge.objects.filter(status__in=[Pledge.Status.PUBLISHED, Pledge.Status.DONE]).count(),
        "guides": ServiceGuide.objects.filter(status=ServiceGuide.Status.PUBLISHED).count(),
    }
    return render(request, "public/home.html", {"published": published})


class CodeForm(forms.Form):
    code = forms.CharField(label=_("短信验证码"), max_length=12, widget=forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}
    ))


def over_limit(request, form):
    """Count this post of a public form against its client address (hotline.ratelimits); past the limit the
    form carries the reason and nothing is done (the page answers 429 with what was typed still in it)."""
    counted = ratelimits.public_post(request)
    if counted.allowed:
        return False
    form.add_error(None, counted.message)
    form.rate_limited = True
    return True


def add_errors(form, error):
    """A ValidationError from hotline.confirmations onto the form; a rate limit (TooMany) marks it for a 429."""
    for field, messages in error.message_dict.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
    if isinstance(error, confirmations.TooMany):
        form.rate_limited = True


def failed_status(form):
    """400 for a form with errors, 429 when a rate limit refused it."""
    return 429 if getattr(form, "rate_limited", False) else 400


def confirm(request, token):
    """Type back the code sent by SMS; the stored submission is then acted on (hotline.confirmations).

    Wrong codes are counted per token (CONFIRM_MAX_ATTEMPTS); every try also counts against the
    client's address, so guessing across many tokens is limited too."""
    waiting = confirmations.pending(token)
    if waiting is None and request.method == "GET":
        raise Http404
    form = CodeForm(request.POST or None)
    if request.method == "POST" and not over_limit(request, form) and form.is_valid():
        try:
            url = confirmations.confirm(token=token, code=form.cleaned_data["code"], by=workflow.system_user())
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    form.add_error("code" if field not in form.fields else field, message)
        else:
            return redirect(url or "public_home")
    context = {"form": form, "confirmation": waiting}
    return render(request, "public/confirm.html", context, status=failed_status(form) if form.errors else 200)
