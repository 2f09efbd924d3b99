"""Backup files written and read as streams, optionally encrypted, never whole in memory.

Encrypted files are a sequence of frames: a 4-byte big-endian length and a Fernet token holding
up to CHUNK_BYTES of plaintext. Each frame is authenticated on its own, and the last frame is an
empty token, so a file cut short (a full disk, a copy that stopped) is detected, not restored
half. The key (`BACKUP_ENCRYPTION_KEY`, a Fernet key) is not FIELD_ENCRYPTION_KEYS: backups must
stay readable after the field keys are rotated, and the backup key is kept off the server.
"""

from __future__ import annotations

import hashlib
import struct
from typing import BinaryIO

from cryptography.fernet import Fernet, InvalidToken

CHUNK_BYTES = 1024 * 1024
MAGIC = b"SHUNANI-BACKUP-1\n"
_LENGTH = struct.Struct(">I")


class BackupFormatError(Exception):
    """The file is not a backup written here, was cut short, or the key is wrong."""


class SinkWriter:
    """A write-only file object: plaintext in, (encrypted) frames out; counts and hashes."""

    def __init__(self, raw: BinaryIO, key: str | None) -> None:
        self.raw = raw
        self.fernet = Fernet(key) if key else None
        self.sha256 = hashlib.sha256()
        self.size = 0
        self._buffer = bytearray()
        if self.fernet:
            raw.write(MAGIC)

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        if self.fernet is None:
            self.raw.write(data)
            return len(data)
        self._buffer += data
        while len(self._buffer) >= CHUNK_BYTES:
            self._frame(bytes(self._buffer[:CHUNK_BYTES]))
            del self._buffer[:CHUNK_BYTES]
        return len(data)

    def _frame(self, plain: bytes) -> None:
        if self.fernet is None:  # pragma: no cover -- only called when encrypting
            raise BackupFormatError("not encrypting")
        token = self.fernet.encrypt(plain)
        self.raw.write(_LENGTH.pack(len(token)) + token)

    def flush(self) -> None:
        self.raw.flush()

    def close(self) -> None:
        """Write what is buffered and the end frame. The caller closes `raw`."""
        if self.fernet is not None:
            if self._buffer:
                self._frame(bytes(self._buffer))
                self._buffer.clear()
            self._frame(b"")
        self.raw.flush()


class SourceReader:
    """A read-only file object over what SinkWriter wrote: decrypted plaintext, hashed."""

    def __init__(self, raw: BinaryIO, key: str | None) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0
        head = raw.read(len(MAGIC))
        self.encrypted = head == MAGIC
        if self.encrypted and not key:
            raise BackupFormatError("This backup is encrypted: set BACKUP_ENCRYPTION_KEY.")
        self.fernet = Fernet(key) if self.encrypted and key else None
        self._buffer = bytearray() if self.encrypted else bytearray(head)
        self._ended = False

    def _next_frame(self) -> bytes:
        if self.fernet is None:  # pragma: no cover -- only called when decrypting
            raise BackupFormatError("not encrypted")
        header = self.raw.read(_LENGTH.size)
        if len(header) < _LENGTH.size:
            raise BackupFormatError("The backup file is cut short (no end frame).")
        (length,) = _LENGTH.unpack(header)
        token = self.raw.read(length)
        if len(token) < length:
            raise BackupFormatError("The backup file is cut short.")
        try:
            plain = self.fernet.decrypt(token)
        except InvalidToken:
            raise BackupFormatError(
                "A frame of the backup does not decrypt: wrong BACKUP_ENCRYPTION_KEY, or the "
                "file was damaged."
            ) from None
        if not plain:
            self._ended = True
        return plain

    def read(self, size: int = -1) -> bytes:
        want = CHUNK_BYTES if size is None or size < 0 else size
        while len(self._buffer) < want and not self._ended:
            if self.fernet is None:
                more = self.raw.read(want - len(self._buffer))
                if not more:
                    self._ended = True
                self._buffer += more
            else:
                self._buffer += self._next_frame()
        data = bytes(self._buffer[:want])
        del self._buffer[:want]
        self.sha256.update(data)
        self.size += len(data)
        return data

    def drain(self) -> None:
        while self.read(CHUNK_BYTES):
            pass
