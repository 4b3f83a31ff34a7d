"""Text about the files people send and the signed report, Vietnamese first, English second."""

from __future__ import annotations

DOCUMENT_MESSAGES: dict[str, tuple[str, str]] = {
    # --- a file that is not kept (nothing is stored) ---
    "file.empty": (
        "Tệp {name} trống (0 byte), không lưu. Hãy gửi lại đúng tệp.",
        "{name} is empty (0 bytes); not kept. Please send the right file again.",
    ),
    "file.too_big": (
        "Tệp {name} quá lớn ({size} MB, tối đa {limit} MB), không lưu. Hãy gửi tệp nhỏ hơn.",
        "{name} is too big ({size} MB, at most {limit} MB); not kept. Please send a smaller file.",
    ),
    "file.type": (
        "Tệp {name} không phải PDF, Word, Excel, JPG hay PNG (bot xét nội dung tệp, không "
        "xét tên), không lưu.",
        "{name} is not a PDF, Word, Excel, JPG or PNG file (the bot checks the content, not "
        "the name); not kept.",
    ),
    "file.name": (
        "Tên tệp «{name}» có ký tự không dùng được (/, \\ hoặc ký tự điều khiển), không lưu. "
        "Hãy đổi tên tệp rồi gửi lại.",
        "The name «{name}» has characters that cannot be used (/, \\ or control characters); "
        "not kept. Please rename the file and send it again.",
    ),
    "file.download": (
        "Không tải được tệp {name} sau nhiều lần thử: tệp CHƯA được lưu. Hãy gửi lại tệp.",
        "Could not fetch {name} after several tries: the file is NOT kept. Please send it again.",
    ),
    "file.store": (
        "Bot chưa lưu được tệp {name} (lỗi nơi lưu trữ): tệp CHƯA được lưu. Hãy gửi lại sau "
        "ít phút.",
        "The bot could not keep {name} (a storage fault): the file is NOT kept. Please send "
        "it again in a few minutes.",
    ),
    "file.not_kept": (
        "Tệp {name} CHƯA được lưu. Hãy gửi lại tệp.",
        "{name} is NOT kept. Please send it again.",
    ),
    "file.not_found": (
        "Không tìm thấy tệp {path} trên máy này.",
        "There is no file {path} on this machine.",
    ),
    "file.duplicate": (
        "Tệp {name} đã có trong báo cáo (cùng nội dung), không thêm lần nữa.",
        "{name} is already in the report (same content); not added again.",
    ),
    # --- the signed report, at the end of a report ---
    "signed.offer": (
        "Gửi văn bản đã ký, chú thích «Số…, ngày…, người ký…» để nộp, hoặc chọn:",
        "Send the signed report captioned «No…, date…, signer…» to submit, or pick:",
    ),
    "signed.needed": (
        "Để nộp, gửi văn bản đã ký (PDF hoặc ảnh các trang) kèm chú thích «Số …, ngày …, "
        "người ký …». Hoặc chọn:",
        "To submit, send the signed report (a PDF, or photos of its pages) captioned «No. …, "
        "date …, signer …». Or pick:",
    ),
    "signed.ready": (
        "Chọn «Nộp báo cáo», hoặc phần cần sửa (gửi tệp khác để thay văn bản đã ký).",
        "Pick «Submit», or the part to change (send another file to replace the signed report).",
    ),
    "signed.facts_needed": (
        "Còn thiếu {missing} của văn bản đã ký: gửi tiếp, ví dụ «Số 123/BC-SYT, ngày {today}, "
        "Nguyễn Văn An».",
        "The signed report's {missing} still missing: send it, e.g. «No. 123/BC-SYT, "
        "{today}, Nguyen Van An».",
    ),
    "signed.fact.number": ("số văn bản", "number"),
    "signed.fact.date": ("ngày ký", "date"),
    "signed.fact.signer": ("người ký", "signer"),
    "signed.bad_date": (
        "Ngày ký {date} không đúng (không có ngày này, hoặc sau hôm nay).",
        "The date {date} is wrong (no such day, or after today).",
    ),
    "signed.kept": ("Đã lưu văn bản đã ký {name}.", "Kept the signed report {name}."),
    "signed.page_kept": (
        "Đã lưu trang {count} ({name}). Gửi trang tiếp theo, hoặc chọn «Nộp báo cáo».",
        "Kept page {count} ({name}). Send the next page, or pick «Submit».",
    ),
    "signed.wrong_kind": (
        "Văn bản đã ký cần là tệp PDF hoặc ảnh chụp các trang; {name} không phải.",
        "The signed report must be a PDF or photos of its pages; {name} is neither.",
    ),
    "signed.line": ("Văn bản đã ký: {summary}", "Signed report: {summary}"),
    "signed.summary": (
        "Số {number}, ngày {date}, người ký {signer} ({name})",
        "No. {number}, {date}, signed by {signer} ({name})",
    ),
    "signed.pages": ("{count} trang ảnh", "{count} photographed pages"),
    "signed.unknown": ("?", "?"),
    "signed.receipt": (
        "\nVăn bản {number}, {date}, {signer} ký.",
        "\nSigned report {number}, {date}, signed by {signer}.",
    ),
    "signed.combined": ("van-ban-da-ky.pdf", "signed-report.pdf"),
    # --- the secretariat reads the files ---
    "view.signed": ("Văn bản đã ký của {agency}: {summary}", "{agency}'s signed report: {summary}"),
    "view.attachment": ("Tệp kèm theo của {agency}: {name}", "{agency}'s attachment: {name}"),
    "view.file_missing": (
        "Không đọc được tệp {name} từ nơi lưu trữ; báo người quản trị.",
        "Could not read {name} from the file store; tell the operator.",
    ),
}
