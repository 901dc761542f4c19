"""CSV encodings decided, not guessed: UTF-8 (with or without BOM) and GB18030 files import their Chinese text as
written; a Big5 file, replacement characters, control characters and mojibake are refused with a 400 on `file`
(English and Chinese) naming the encodings accepted, and nothing is written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enterprises.models import Enterprise

from .factories import EnterpriseFactory, credit_code
from .test_imports import IMPORTS, post_import

# Real enterprise names (simplified for the UTF-8 and GB18030 files, traditional for the Big5 one): 喆 and 堃,
# common in names, are outside GB2312 and must still be accepted in a GB18030 file.
SIMPLIFIED = ["北京星河数字人科技有限公司", "灵境互动娱乐（北京）有限公司", "北京喆堃数字科技有限公司"]
TRADITIONAL = ["北京數字人科技有限公司", "靈境互動娛樂有限公司", "燕京雲鏡資訊技術有限公司"]


def csv_of(names: list[str]) -> str:
    """An update-only enterprise CSV (credit code and name) renaming enterprises 1.. to `names`."""
    lines = ["credit_code,name", *(f"{credit_code(n)},{name}" for n, name in enumerate(names, 1))]
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture
def registered(db):
    """Three enterprises whose names the files change."""
    return [EnterpriseFactory(credit_code=credit_code(n), name=f"旧名称{n}") for n in (1, 2, 3)]


def names() -> list[str]:
    """The enterprises' names, by credit code."""
    return list(Enterprise.objects.order_by("credit_code").filter(
        credit_code__in=[credit_code(n) for n in (1, 2, 3)]).values_list("name", flat=True))


def by_code(expected: list[str]) -> list[str]:
    """The expected names in the order of their enterprises' credit codes."""
    return [name for _code, name in sorted((credit_code(n), name) for n, name in enumerate(expected, 1))]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_utf8_and_gb18030_files_import_their_text_as_written(bureau_client, registered, encoding):
    content = csv_of(SIMPLIFIED).encode(encoding)
    response = post_import(bureau_client, "enterprises", [], content=content)
    assert response.status_code == 200, response.data
    assert response.data["updated"] == 3
    assert names() == by_code(SIMPLIFIED)


def test_traditional_text_in_utf8_is_accepted(bureau_client, registered):
    response = post_import(bureau_client, "enterprises", [], content=csv_of(TRADITIONAL).encode("utf-8"))
    assert response.status_code == 200 and names() == by_code(TRADITIONAL)


def test_a_big5_file_is_refused_not_read_as_gb18030(bureau_client, registered):
    content = csv_of(TRADITIONAL).encode("big5")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    garbled = content.decode("gb18030")  # decodes without an error: only a rule on the text can tell
    assert not any(name in garbled for name in TRADITIONAL)
    response = post_import(bureau_client, "enterprises", [], content=content)
    assert response.status_code == 400, response.data
    message = response.data["file"][0]
    assert "UTF-8" in message and "GB18030" in message and "Big5" in message
    assert names() == ["旧名称1", "旧名称2", "旧名称3"]
    upload_zh = post_chinese(bureau_client, content)
    assert upload_zh.status_code == 400 and "UTF-8" in upload_zh.data["file"][0]
    assert "编码" in upload_zh.data["file"][0]


def post_chinese(client, content: bytes):
    """POST the file as an enterprises import, answered in Chinese."""
    upload = SimpleUploadedFile("enterprises.csv", content)
    return client.post(IMPORTS, {"kind": "enterprises", "file": upload}, format="multipart",
                       HTTP_ACCEPT_LANGUAGE="zh-hans")


@pytest.mark.parametrize(("case", "text", "says"), [
    ("replacement", csv_of(["北京\ufffd\ufffd科技有限公司"]), "line 2"),
    ("C1 control", csv_of(["北京\x85星河科技有限公司"]), "U+0085"),
    ("UTF-8 read as Windows-1252", csv_of(["北京星河".encode().decode("cp1252", "replace") + "有限公司"]),
     "converted twice"),
    ("UTF-8 read as Latin-1", csv_of(["北京星河".encode().decode("latin-1") + "有限公司"]), "line 2"),
], ids=["replacement", "c1-control", "cp1252-mojibake", "latin1-mojibake"])
def test_garbled_text_is_refused_in_either_encoding(bureau_client, registered, case, text, says):
    for encoding in ("utf-8", "gb18030"):
        response = post_import(bureau_client, "enterprises", [], content=text.encode(encoding))
        assert response.status_code == 400, (case, encoding, response.data)
        assert says in response.data["file"][0] and "GB18030" in response.data["file"][0], case
    assert names() == ["旧名称1", "旧名称2", "旧名称3"]


def test_bytes_that_decode_in_neither_are_refused(bureau_client, registered):
    response = post_import(bureau_client, "enterprises", [], content=b"credit_code,name\r\n1,\xff\xfe\xff\r\n")
    assert response.status_code == 400 and "decode in neither" in response.data["file"][0]
