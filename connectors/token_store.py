"""Refresh tokens that a platform replaces at every refresh, kept encrypted beside the warehouse.

Ocean Engine, Tencent Ads and Baidu answer each refresh with a new refresh token; the old one stops
working once used (Tencent documents it; the fakes hold all three to it) and each lasts about 30
days. The new token is written here before the access token that came with it is used, so the next
request, the next night, or a run that crashes a second later starts from it.

The file is one JSON document: a random salt and a Fernet token (AES-128-CBC with HMAC-SHA256, from
`cryptography`) holding the entries; the key is derived by scrypt from the passphrase in the variable
settings.TOKEN_KEY_ENV names. It is created readable by its owner only, replaced atomically, and a lock
file serialises two sources refreshing at once. Nothing here logs a token.

The environment keeps the refresh token a person pasted at authorization. A stored token stands for
it only while the environment still holds the value it was seeded from (a digest is stored), so
pasting a new token after re-authorizing takes effect on the next pull.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from connectors.http_core import PlatformError

FORMAT = "mkpi-tokens-1"
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


class TokenStoreError(PlatformError):
    """The store cannot be read or written: a wrong key, a damaged file, no key set."""


class TokenStore:
    def __init__(self, path: Path, passphrase: str, key_env: str):
        self.path, self.passphrase, self.key_env = path, passphrase, key_env
        self._keys: dict[str, bytes] = {}

    def current(self, source: str, given: str) -> str:
        """The refresh token to use: the stored one while the environment still holds its seed, else `given`."""
        entry = self.entry(source)
        return entry["token"] if entry and entry["seeded_from"] == _digest(given) else given

    def entry(self, source: str) -> dict | None:
        return self._read()[1].get(source)

    def replace(self, source: str, given: str, token: str, seconds: float | None, now: dt.datetime) -> None:
        """Store the token a refresh returned, valid for `seconds` from `now` (None: not stated)."""
        with self._locked():
            salt, entries = self._read()
            entries[source] = {"token": token, "seeded_from": _digest(given), "issued_at": now.isoformat(),
                               "expires_at": (now + dt.timedelta(seconds=seconds)).isoformat() if seconds else None}
            self._write(salt, entries)

    def first_seen(self, source: str, given: str, now: dt.datetime) -> dt.datetime:
        """When mkpi first saw this value of a source's credential variable (a digest is kept, not the value)."""
        with self._locked():
            salt, entries = self._read()
            seen = entries.setdefault("_seen", {})
            if seen.get(source, {}).get("digest") != _digest(given):
                seen[source] = {"digest": _digest(given), "at": now.isoformat()}
                self._write(salt, entries)
        return dt.datetime.fromisoformat(seen[source]["at"])

    def _read(self) -> tuple[bytes, dict]:
        if not self.path.exists():
            return secrets.token_bytes(16), {}
        from cryptography.fernet import Fernet, InvalidToken

        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
            salt = base64.b64decode(document["salt"])
            if document.get("format") != FORMAT:
                raise ValueError(f"format {document.get('format')!r}")
            return salt, json.loads(Fernet(self._key(salt)).decrypt(document["data"].encode()))
        except InvalidToken:
            raise TokenStoreError(
                f"the token store {self.path} cannot be opened with the key in ${self.key_env}: restore the key it "
                f"was written with, or move the file away and paste freshly authorized refresh tokens") from None
        except (ValueError, KeyError, TypeError) as err:
            raise TokenStoreError(f"the token store {self.path} is damaged ({err}); move it away and paste freshly "
                                  f"authorized refresh tokens") from None

    def _write(self, salt: bytes, entries: dict) -> None:
        from cryptography.fernet import Fernet

        data = Fernet(self._key(salt)).encrypt(json.dumps(entries).encode()).decode()
        document = json.dumps({"format": FORMAT, "salt": base64.b64encode(salt).decode(), "data": data})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".new")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(document)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, self.path)

    def _key(self, salt: bytes) -> bytes:
        cache = salt.hex()
        if cache not in self._keys:
            derived = hashlib.scrypt(self.passphrase.encode(), salt=salt, dklen=32, **SCRYPT)
            self._keys[cache] = base64.urlsafe_b64encode(derived)
        return self._keys[cache]

    @contextlib.contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)


@dataclass
class RefreshToken:
    """One source's refresh token: the environment's value, or the store's newer one."""

    source: str
    given: str  # the value of the environment variable sources.yml names
    store: TokenStore | None  # None where nothing is fetched (a configuration check)

    def current(self) -> str:
        return self.store.current(self.source, self.given) if self.store else self.given

    def rotated(self, token: str | None, seconds, now: dt.datetime | None = None) -> None:
        """Keep the token a refresh returned, if it is a new one."""
        if not token or token == self.current():
            return
        if self.store is None:
            raise TokenStoreError(f"{self.source}: the platform issued a new refresh token but no token store is open")
        self.store.replace(self.source, self.given, token, float(seconds) if seconds else None,
                           now or dt.datetime.now(dt.timezone.utc))


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
