from django.conf import settings
from django.contrib.auth.views import redirect_to_login

# /api/ answers for itself: 401 in the API's error shape (token or session), its pages ask to sign in
OPEN_PREFIXES = ("/accounts/login/", "/static/", "/i18n/", "/healthz", "/api/")


class LoginRequiredMiddleware:
    """Every page needs a signed-in user, except the login page, static files and the health check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # the path first: an open address (the API with its token, the health check) reads no session nor user
        if not request.path.startswith(OPEN_PREFIXES) and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class ChineseFirstMiddleware:
    """Chinese until the user picks English: the browser's Accept-Language is ignored, only the
    language the user chose (Django's language cookie, set by the 中文/English switch) counts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META["HTTP_ACCEPT_LANGUAGE"] = settings.LANGUAGE_CODE
        return self.get_response(request)
