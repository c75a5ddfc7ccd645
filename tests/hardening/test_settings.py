"""Size-limit settings: one parser for every limit, an unusable value is a clear ConfigError."""

import pytest

from review_app.errors import ConfigError
from review_app.textio import max_file_bytes
from review_app.ui.uploads import max_upload_bytes


@pytest.mark.parametrize("limit, variable", [(max_file_bytes, "REVIEW_APP_MAX_FILE_MB"), (max_upload_bytes, "REVIEW_APP_MAX_UPLOAD_MB")])
@pytest.mark.parametrize("value", ["abc", "nan", "0", "-3", "inf-ish"])
def test_unusable_limit_is_a_config_error(monkeypatch, limit, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=variable):
        limit()


@pytest.mark.parametrize("limit, variable", [(max_file_bytes, "REVIEW_APP_MAX_FILE_MB"), (max_upload_bytes, "REVIEW_APP_MAX_UPLOAD_MB")])
def test_limits_in_megabytes(monkeypatch, limit, variable):
    monkeypatch.setenv(variable, "1.5")
    assert limit() == int(1.5 * 1024 * 1024)
    monkeypatch.setenv(variable, "inf")
    assert limit() == 2**62
