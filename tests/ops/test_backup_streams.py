"""Backup files: encrypted in authenticated chunks, a cut-short file refused, wrong key refused."""

import io
import os

import pytest
from cryptography.fernet import Fernet

from ops.streams import CHUNK_BYTES, MAGIC, BackupFormatError, SinkWriter, SourceReader

KEY = Fernet.generate_key().decode()


def _write(data: bytes, key: str | None) -> bytes:
    raw = io.BytesIO()
    sink = SinkWriter(raw, key)
    for i in range(0, len(data), 1000):  # many small writes, as tar and pg_dump do
        sink.write(data[i : i + 1000])
    sink.close()
    return raw.getvalue()


def _read(blob: bytes, key: str | None) -> bytes:
    reader = SourceReader(io.BytesIO(blob), key)
    out = bytearray()
    while chunk := reader.read(4096):
        out += chunk
    return bytes(out)


@pytest.mark.parametrize("size", [0, 1, CHUNK_BYTES, 2 * CHUNK_BYTES + 17])
def test_encrypted_round_trip(size):
    data = os.urandom(size)
    blob = _write(data, KEY)
    assert blob.startswith(MAGIC)
    assert size < 64 or data[:64] not in blob
    assert _read(blob, KEY) == data


def test_plain_files_are_written_as_they_are():
    data = b"PGDMP" + os.urandom(5000)
    assert _write(data, None) == data
    assert _read(data, None) == data


def test_a_file_cut_short_is_refused():
    blob = _write(os.urandom(CHUNK_BYTES + 10), KEY)
    with pytest.raises(BackupFormatError, match="cut short"):
        _read(blob[:-50], KEY)


def test_the_wrong_key_is_refused():
    blob = _write(b"citizen data", KEY)
    with pytest.raises(BackupFormatError, match="wrong BACKUP_ENCRYPTION_KEY"):
        _read(blob, Fernet.generate_key().decode())


def test_an_encrypted_file_without_a_key_is_refused():
    blob = _write(b"citizen data", KEY)
    with pytest.raises(BackupFormatError, match="encrypted"):
        _read(blob, None)


def test_the_writer_counts_and_hashes_the_plaintext():
    import hashlib

    data = os.urandom(3 * CHUNK_BYTES // 2)
    raw = io.BytesIO()
    sink = SinkWriter(raw, KEY)
    sink.write(data)
    sink.close()
    assert sink.size == len(data)
    assert sink.sha256.hexdigest() == hashlib.sha256(data).hexdigest()
