"""Officer login, rate limited per username and per client across every app server.

A correct password signs the user in only when two-factor login is off (OFFICER_TWO_FACTOR);
with it on, it starts a pending login and sends them to the code (or, with no authenticator
yet, to set one up): accounts/two_factor.py.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect

from accounts import two_factor
from ballots.ratelimit import client_address, rate_limit_check, rate_limit_hit, rate_limit_message


def _limits():
    return {"limit": settings.LOGIN_RATE_LIMIT, "window": settings.LOGIN_RATE_WINDOW_SECONDS}


def _login_keys(request):
    username = (request.POST.get("username") or "").strip().lower()
    keys = [f"login-client:{client_address(request)}"]
    if username:
        keys.append(f"login-user:{username}")
    return keys


class RateLimitedLoginView(auth_views.LoginView):
    """Django's login view, refusing to check any password once too many have failed."""

    def post(self, request, *args, **kwargs):
        states = [rate_limit_check(key, **_limits()) for key in _login_keys(request)]
        limited = [state for state in states if state.limited]
        if limited:
            # The password is not even checked: show an empty form with the reason.
            message = rate_limit_message(max(limited, key=lambda state: state.retry_at))
            context = self.get_context_data(form=self.get_form_class()(request), rate_limited=message)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if not two_factor.two_factor_required():
            return super().form_valid(form)
        user = form.get_user()
        two_factor.pending_login_begin(self.request, user=user, next_url=self.get_success_url())
        has_device = two_factor.confirmed_device(user) is not None
        return redirect("two_factor" if has_device else "two_factor_enrol")

    def form_invalid(self, form):
        for key in _login_keys(self.request):
            rate_limit_hit(key, **_limits())
        return super().form_invalid(form)
