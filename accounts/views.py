"""The code step of the officer login, enrolment of an authenticator, and the admin's login.

Thin views over accounts/two_factor.py. Both code pages are rate limited like the password
(LOGIN_RATE_LIMIT per account and per client in LOGIN_RATE_WINDOW_SECONDS): once limited, no
code is checked and the page says when to try again.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from accounts import two_factor
from accounts.forms import CodeForm
from ballots.ratelimit import client_address, rate_limit_check, rate_limit_hit, rate_limit_message

START_AGAIN = "Your login was not finished in time, or has not begun: log in with your password first."


def _limits():
    return {"limit": settings.LOGIN_RATE_LIMIT, "window": settings.LOGIN_RATE_WINDOW_SECONDS}


def _code_keys(request, user) -> list[str]:
    return [f"two-factor-client:{client_address(request)}", f"two-factor-user:{user.pk}"]


class CodeStepView(View):
    """Common to both code pages: a pending login, the limiter, the form."""

    template_name = ""

    def accept(self, code: str) -> bool:
        """Check `code` and, when it is right, finish the login."""
        raise NotImplementedError

    def wrong_place(self, pending):
        """A redirect when this is the other page's job, else None."""
        return None

    def dispatch(self, request, *args, **kwargs):
        self.pending = two_factor.pending_login(request)
        if self.pending is None:
            messages.info(request, START_AGAIN)
            return redirect("login")
        return self.wrong_place(self.pending) or super().dispatch(request, *args, **kwargs)

    def page(self, form, *, status=200, rate_limited=None):
        context = {"form": form, "rate_limited": rate_limited, **self.extra_context(self.pending)}
        return render(self.request, self.template_name, context, status=status)

    def extra_context(self, pending) -> dict:
        return {}

    def get(self, request):
        return self.page(CodeForm())

    def post(self, request):
        keys = _code_keys(request, self.pending.user)
        limited = [state for state in (rate_limit_check(key, **_limits()) for key in keys) if state.limited]
        if limited:
            message = rate_limit_message(max(limited, key=lambda state: state.retry_at))
            return self.page(CodeForm(), status=429, rate_limited=message)
        form = CodeForm(request.POST)
        if form.is_valid() and self.accept(form.cleaned_data["code"]):
            return redirect(self.pending.next_url)
        for key in keys:
            rate_limit_hit(key, **_limits())
        if form.is_valid():
            form.add_error(
                "code", "That code is not right. Check the app shows this site's account, and try the new code."
            )
        return self.page(form)


class TwoFactorCodeView(CodeStepView):
    """After the password, for an account with an authenticator: its current code."""

    template_name = "accounts/two_factor_code.html"

    def wrong_place(self, pending):
        self.totp = two_factor.confirmed_device(pending.user)
        return redirect("two_factor_enrol") if self.totp is None else None

    def accept(self, code: str) -> bool:
        if not two_factor.code_is_right(self.totp, code):
            return False
        two_factor.pending_login_finish(self.request, pending=self.pending, device=self.totp)
        return True


class TwoFactorEnrolView(CodeStepView):
    """After the password, for an account with no authenticator yet: set one up, prove it works."""

    template_name = "accounts/two_factor_enrol.html"

    def wrong_place(self, pending):
        if two_factor.confirmed_device(pending.user) is not None:
            return redirect("two_factor")
        self.totp = two_factor.enrolment_device(self.request, pending=pending)
        return None

    def extra_context(self, pending) -> dict:
        return {"secret_text": two_factor.secret_text(self.totp), "qr_svg": two_factor.secret_qr_svg(self.totp)}

    def accept(self, code: str) -> bool:
        if not two_factor.enrolment_code_is_right(self.totp, code):
            return False
        device = two_factor.two_factor_enrolment_confirm(device=self.totp)
        two_factor.pending_login_finish(self.request, pending=self.pending, device=device)
        messages.success(self.request, "Two-factor login is set up: from now on you log in with a code from the app.")
        return True


def admin_login(request):
    """The admin's own login would skip the officer login's rate limit and code: use that one."""
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")
