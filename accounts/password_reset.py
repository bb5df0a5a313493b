"""Password reset: Django's views, rate limited, and silent about whether an account exists.

A request is counted against the client's address and against the email address typed,
whether or not any account has it (PASSWORD_RESET_RATE_LIMIT of each per
PASSWORD_RESET_RATE_WINDOW_SECONDS), so neither the reply nor the limit can tell a stranger
which addresses have accounts: a known and an unknown address get the same page, and the
same refusal once limited. The link in the email is built on SITE_URL, never on the Host
header of the request, and lasts PASSWORD_RESET_TIMEOUT (an hour). A reset is audited, and
signs nobody in: the officer then logs in with the new password and their code.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views

from ballots.ratelimit import client_address, rate_limit_check, rate_limit_hit, rate_limit_message
from members.services import audit_record


def _limits():
    return {"limit": settings.PASSWORD_RESET_RATE_LIMIT, "window": settings.PASSWORD_RESET_RATE_WINDOW_SECONDS}


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        keys = [f"reset-client:{client_address(self.request)}", f"reset-email:{email}"]
        limited = [state for state in (rate_limit_check(key, **_limits()) for key in keys) if state.limited]
        if limited:
            message = rate_limit_message(max(limited, key=lambda state: state.retry_at))
            context = self.get_context_data(form=self.get_form_class()(), rate_limited=message)
            return self.render_to_response(context, status=429)
        for key in keys:
            rate_limit_hit(key, **_limits())
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class AuditedPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action="password_reset", actor=form.user, detail={"officer": form.user.get_username()})
        return response
