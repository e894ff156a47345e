"""Google's OAuth refresh-token flow (Google Ads, GA4): trade the long-lived refresh token for a
short-lived access token, reuse it until shortly before it expires."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from pydantic import Field
from requests.auth import AuthBase

from connectors.http_core import REFUSED, HttpClient, PlatformError
from connectors.source_options import EnvName, Setup, SourceOptions

TOKEN_URL = "https://oauth2.googleapis.com/token"


class GoogleRefreshToken(AuthBase):
    def __init__(self, platform: str, *, client_id: str, client_secret: str, refresh_token: str,
                 credential_env: str, token_url: str = TOKEN_URL, **http_options):
        self.form = {"grant_type": "refresh_token", "client_id": client_id, "client_secret": client_secret,
                     "refresh_token": refresh_token}
        url = urlsplit(token_url)
        self.path = url.path
        self.http = HttpClient(f"{platform} (OAuth token)", f"{url.scheme}://{url.netloc}",
                               credential_env=credential_env, classify=_refused_grant, **http_options)
        self.token: str | None = None
        self.expires_at = 0.0

    def access_token(self) -> str:
        if self.token is None or time.monotonic() > self.expires_at - 60:
            payload = self.http.json("POST", self.path, data=self.form)
            if not isinstance(payload, dict) or not payload.get("access_token"):
                raise PlatformError(f"{self.http.platform}: the token endpoint answered without an access_token")
            self.token = payload["access_token"]
            self.expires_at = time.monotonic() + float(payload.get("expires_in", 3600))
        return self.token

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.access_token()}"
        return request


def _refused_grant(response) -> str | None:
    """A revoked or mistyped refresh token or client comes back as HTTP 400 `invalid_grant`/`invalid_client`."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return None
    return REFUSED if error in ("invalid_grant", "invalid_client", "unauthorized_client") else None


class GoogleOAuthOptions(SourceOptions):
    """The OAuth client and refresh token a Google API source (Google Ads, GA4) signs in with."""

    client_id_env: EnvName = Field(description="OAuth client id (Google Cloud console → Credentials)")
    client_secret_env: EnvName = Field(description="OAuth client secret, same page")
    refresh_token_env: EnvName = Field(description="refresh token from the one-time consent of the account's user")
    token_url: str | None = Field(None, description=f"token endpoint (default {TOKEN_URL})")


def google_auth(options: GoogleOAuthOptions, setup: Setup) -> GoogleRefreshToken:
    return GoogleRefreshToken(setup.name, client_id=setup.secret(options.client_id_env, "client_id"),
                              client_secret=setup.secret(options.client_secret_env, "client_secret"),
                              refresh_token=setup.secret(options.refresh_token_env, "refresh_token"),
                              credential_env=options.refresh_token_env, **options.given("token_url"), **setup.http)
