/*
 * messages.c -- every text a client reads, in Vietnamese and English, in
 * one place so that wording is reviewed together and no message lacks a
 * language (tests/unit/test_messages.c checks both are there). A "%s"
 * is filled by the caller: at most one in a field error, two in a
 * problem's detail (the database's DETAIL, then its HINT; "%2$s" takes
 * the HINT first).
 */

#include <stddef.h>

#include "app.h"

struct text {
	const char	*vi;
	const char	*en;
};

static const struct text msgs[MSG_MAX] = {
	[MSG_NOT_FOUND] = { "Không tìm thấy", "Not found" },
	[MSG_NO_SUCH_PATH] = { "Không tìm thấy đường dẫn", "No such path" },
	[MSG_METHOD_NOT_ALLOWED] = {
	    "Phương thức không được hỗ trợ cho đường dẫn này",
	    "Method not allowed on this path" },
	[MSG_NO_SUCH_ACCOUNT] = { "Không tìm thấy tài khoản",
	    "No such account" },
	[MSG_NO_SUCH_API_KEY] = { "Không tìm thấy khóa API",
	    "No such API key" },
	[MSG_NO_SUCH_TECHNOLOGY] = { "Không tìm thấy công nghệ",
	    "No such technology" },
	[MSG_NO_SUCH_NEED] = { "Không tìm thấy nhu cầu", "No such need" },
	[MSG_NO_SUCH_QUOTE] = { "Không tìm thấy yêu cầu báo giá",
	    "No such quote request" },
	[MSG_NO_SUCH_APPLICATION] = { "Không tìm thấy hồ sơ",
	    "No such application" },
	[MSG_NO_SUCH_PROGRAM] = { "Không tìm thấy chương trình",
	    "No such program" },
	[MSG_CREDENTIALS] = { "Thiếu hoặc sai thông tin xác thực",
	    "Missing or invalid credentials" },
	[MSG_ROLE] = { "Vai trò của bạn không được phép thực hiện thao tác "
	    "này", "Your role may not do this" },
	[MSG_SESSION_ONLY] = { "Thao tác này cần đăng nhập, không dùng khóa "
	    "API", "This needs a signed-in session, not an API key" },
	[MSG_WRONG_LOGIN] = { "Email hoặc mật khẩu không đúng",
	    "Wrong email or password" },
	[MSG_SUSPENDED] = { "Tài khoản đang bị tạm khóa",
	    "This account is suspended" },
	[MSG_THROTTLED] = { "Nhập sai mật khẩu quá nhiều lần; hãy thử lại "
	    "sau", "Too many wrong passwords; try again later" },
	[MSG_TAX_CODE_TAKEN] = { "Mã số thuế đã được đăng ký",
	    "This tax code is already registered" },
	[MSG_EMAIL_TAKEN] = { "Email đã được đăng ký",
	    "This email is already registered" },
	[MSG_TAX_CODE_VERIFIED] = { "Tổ chức đã được xác minh theo mã số "
	    "thuế này nên không thể đổi mã; hãy liên hệ quản trị viên",
	    "The organization was verified under this tax code, which "
	    "cannot change now; ask an administrator" },
	[MSG_NO_ORGANIZATION] = { "Tài khoản này không có tổ chức để xác "
	    "minh", "This account has no organization to verify" },
	[MSG_API_KEY_LIMIT] = { "Đã đạt giới hạn 50 khóa API",
	    "You already have the maximum of 50 API keys" },
	[MSG_NOT_A_SESSION] = { "Đây là khóa API, không phải phiên đăng "
	    "nhập; hãy xóa nó qua /api-keys", "This is an API key, not a "
	    "session; delete it through /api-keys" },
	[MSG_DUPLICATE] = { "Dữ liệu đã tồn tại",
	    "A record with these values already exists" },
	[MSG_CONSTRAINT] = { "Dữ liệu vi phạm ràng buộc",
	    "The data violates a rule of this resource" },
	[MSG_CONCURRENT] = { "Xung đột đồng thời, hãy thử lại",
	    "Concurrent change; please retry" },
	[MSG_DB_UNAVAILABLE] = { "Cơ sở dữ liệu tạm thời không sẵn sàng",
	    "The database is temporarily unavailable" },
	[MSG_BUSY] = { "Máy chủ đang bận kiểm tra mật khẩu; hãy thử lại sau "
	    "giây lát", "The server is busy checking passwords; try again "
	    "in a moment" },
	[MSG_DB_UNREACHABLE] = { "Cơ sở dữ liệu không truy cập được",
	    "The database is unreachable" },
	[MSG_INTERNAL] = { "Đã có lỗi xảy ra",
	    "Something went wrong on our side" },
	[MSG_BODY_TOO_LARGE] = { "Nội dung vượt quá 1 MiB",
	    "The body is larger than 1 MiB" },
	[MSG_BODIES_BUSY] = { "Máy chủ đang nhận quá nhiều nội dung lớn; "
	    "hãy thử lại sau giây lát",
	    "Too many large bodies are arriving; try again in a moment" },
	[MSG_MEDIA_TYPE] = { "Nội dung phải là application/json",
	    "The body must be application/json" },
	[MSG_BAD_JSON] = { "JSON không hợp lệ hoặc rỗng",
	    "The body is not valid JSON" },
	[MSG_FIELDS] = { "Một số trường không hợp lệ; xem errors.",
	    "Some fields are invalid; see errors." },
	[MSG_QUERY_MALFORMED] = { "Tham số truy vấn sai định dạng",
	    "Malformed query string" },
	[MSG_QUERY_UNKNOWN] = { "Tham số truy vấn không được hỗ trợ: %s",
	    "Unknown query parameter: %s" },
	[MSG_QUERY_REPEATED] = { "Tham số truy vấn bị lặp lại: %s",
	    "Repeated query parameter: %s" },
	[MSG_QUERY_VALUE] = { "Giá trị không hợp lệ cho tham số %s",
	    "Invalid value for the query parameter %s" },
	[MSG_LIMIT] = { "limit phải từ 1 đến 100",
	    "limit must be between 1 and 100" },
	[MSG_CURSOR] = { "cursor không hợp lệ", "Invalid cursor" },
	[MSG_Q_TOO_LONG] = { "q dài quá 200 ký tự",
	    "q is longer than 200 characters" },
	[MSG_IF_MATCH_REQUIRED] = { "Cần gửi If-Match với ETag hiện tại",
	    "Send If-Match with the current ETag" },
	[MSG_ETAG_MISMATCH] = { "ETag không khớp phiên bản hiện tại",
	    "The ETag does not match the current version" },
	[MSG_STALE] = { "Dữ liệu đã bị thay đổi; hãy tải lại",
	    "It has changed since; fetch it again" },
	[MSG_OTHER_PARTY] = { "Việc này là của bên kia",
	    "This is the other party's to do" },
	[MSG_MOVE] = { "Không thể thực hiện '%2$s' khi đang ở trạng thái "
	    "'%1$s'", "Cannot %2$s: it is %1$s now" },
	[MSG_STATUS_MOVE] = { "Không thể chuyển trạng thái từ '%1$s' sang "
	    "'%2$s'", "The status cannot change from %1$s to %2$s" },
	[MSG_TECH_HAS_QUOTES] = { "Công nghệ đã có yêu cầu báo giá; hãy lưu "
	    "trữ thay vì xóa", "Quote requests refer to this technology; "
	    "archive it instead" },
	[MSG_KEY_REUSED] = { "Idempotency-Key này đã được dùng với nội dung "
	    "khác", "This Idempotency-Key came with another body before" },
	[MSG_KEY_FORMAT] = { "Idempotency-Key phải là 1-255 ký tự ASCII in "
	    "được", "Idempotency-Key must be 1-255 printable ASCII "
	    "characters" },
	[MSG_ONLY_DOST] = { "Chỉ Sở Khoa học và Công nghệ gắn cờ đủ điều "
	    "kiện", "Only DOST flags eligibility" },
	[MSG_NOT_ACCEPTED] = { "Báo giá đang ở trạng thái %s, chưa được chấp "
	    "nhận", "The quote is %s, not accepted" },
	[MSG_NOT_ELIGIBLE] = { "Công nghệ hiện không đủ điều kiện cho chương "
	    "trình này", "The technology is not eligible for this program "
	    "today" },
	[MSG_APPLIED_ALREADY] = { "Báo giá này đã có hồ sơ cho chương trình "
	    "này", "This quote already has an application to this program" },
	[MSG_OVER_BUDGET] = { "Vượt ngân sách: chương trình chỉ còn %s đồng",
	    "Over budget: the program has %s VND left" },
	[MSG_APPLICATION_CHANGED] = { "Hồ sơ vừa thay đổi; hãy thử lại",
	    "The application changed meanwhile; try again" },
	[MSG_VENDOR_UNVERIFIED] = { "Nhà cung cấp của công nghệ này chưa "
	    "được xác minh: chỉ công nghệ của nhà cung cấp đã xác minh mới "
	    "được gắn cờ đủ điều kiện", "The vendor is not verified: only "
	    "verified vendors' technologies can be flagged eligible" },
	[MSG_ENTERPRISE_UNVERIFIED] = { "Doanh nghiệp của bạn chưa được xác "
	    "minh: chỉ doanh nghiệp đã xác minh mới được nộp hồ sơ tài trợ",
	    "Your enterprise is not verified: only verified enterprises can "
	    "apply for funding" },
	[MSG_NO_SUCH_BYPRODUCT] = { "Không tìm thấy phụ phẩm",
	    "No such by-product" },
	[MSG_BYPRODUCT_CLOSED] = { "Tin phụ phẩm này đã đóng lúc %s; hãy "
	    "đăng tin mới", "This by-product was closed at %s; post a new "
	    "one" },
	[MSG_NO_SUCH_CP_REPORT] = { "Tổ chức của bạn chưa nộp báo cáo sản "
	    "xuất sạch hơn cho năm này", "Your organization has filed no "
	    "cleaner-production report for this year" },
	[MSG_NO_SUCH_CP_YEAR] = { "Không có năm báo cáo này (từ 2016 đến năm "
	    "nay)", "No such reporting year (2016 to this year)" },
	[MSG_CP_NOT_PUBLISHED] = { "Kết quả năm này chưa được công bố: Sở "
	    "Công Thương chưa khóa sổ năm này", "This year's results are not "
	    "published: the Department of Industry and Trade has not closed "
	    "the year" },
	[MSG_CP_YEAR_CLOSED] = { "Năm %s đã khóa sổ: không thể nộp hay sửa "
	    "báo cáo của năm này", "The year %s is closed: its reports can no "
	    "longer be filed or amended" },
	[MSG_CP_FILED] = { "Tổ chức đã nộp báo cáo năm %s (mã %s); hãy sửa "
	    "báo cáo đó bằng PUT /cp-reports/{year}", "Your organization "
	    "already filed its report for %s (id %s); amend that one with PUT "
	    "/cp-reports/{year}" },
	[MSG_ONLY_DOIT] = { "Chỉ Sở Công Thương được khóa sổ hoặc mở lại "
	    "một năm báo cáo", "Only the Department of Industry and Trade "
	    "closes or reopens a reporting year" },
};

static const struct text verrs[VERR_MAX] = {
	[VERR_REQUIRED] = { "bắt buộc phải có", "is required" },
	[VERR_UNKNOWN] = { "trường không được hỗ trợ",
	    "is not a known field" },
	[VERR_READONLY] = { "trường chỉ đọc, không được gửi",
	    "is read-only and may not be sent" },
	[VERR_TYPE_STRING] = { "phải là chuỗi", "must be a string" },
	[VERR_TYPE_INT] = { "phải là số nguyên", "must be an integer" },
	[VERR_TYPE_BOOL] = { "phải là true hoặc false",
	    "must be true or false" },
	[VERR_TYPE_OBJECT] = { "phải là đối tượng JSON",
	    "must be a JSON object" },
	[VERR_TYPE_ARRAY] = { "phải là mảng chuỗi",
	    "must be an array of strings" },
	[VERR_TOO_SHORT] = { "quá ngắn", "is too short" },
	[VERR_TOO_LONG] = { "quá dài", "is too long" },
	[VERR_RANGE] = { "nằm ngoài khoảng cho phép", "is out of range" },
	[VERR_ONEOF] = { "không phải giá trị hợp lệ",
	    "is not one of the allowed values" },
	[VERR_CONTROL] = { "chứa ký tự điều khiển",
	    "contains control characters" },
	[VERR_DUPLICATE] = { "xuất hiện hai lần", "appears twice" },
	[VERR_RULE] = { "vi phạm quy tắc của trường này",
	    "breaks a rule of this field" },
	[VERR_NO_SUCH] = { "không trỏ tới mục nào bạn được dùng",
	    "refers to nothing you may use" },
	[VERR_PAST] = { "không được là ngày đã qua",
	    "must not be a past date" },
	[VERR_NOT_EMAIL] = { "không phải địa chỉ email",
	    "is not an email address" },
	[VERR_NOT_TAXCODE] = { "không phải mã số thuế: 10 chữ số, hoặc 10 "
	    "chữ số, dấu gạch ngang và 3 chữ số", "is not a tax code: 10 "
	    "digits, or 10 digits, a hyphen and 3 digits" },
	[VERR_NOT_CODE] = { "không phải mã: 2-40 chữ thường, chữ số hoặc _, "
	    "bắt đầu bằng chữ", "is not a code: 2-40 lower-case letters, "
	    "digits or _, starting with a letter" },
	[VERR_NOT_UUID] = { "không phải UUID", "is not a UUID" },
	[VERR_NOT_DATE] = { "không phải ngày dạng YYYY-MM-DD",
	    "is not a date as YYYY-MM-DD" },
	[VERR_NOT_URL] = { "không phải địa chỉ http:// hoặc https://",
	    "is not an http:// or https:// address" },
	[VERR_NOT_PHONE] = { "không phải số điện thoại: 8-15 chữ số",
	    "is not a phone number: 8-15 digits" },
	[VERR_PRICE_ORDER] = { "không được nhỏ hơn price_min_vnd",
	    "must not be below price_min_vnd" },
	[VERR_NOT_CURRENT_PASSWORD] = { "không đúng mật khẩu hiện tại",
	    "is not your current password" },
	[VERR_OVER_CAP] = { "vượt mức tối đa %s đồng mà chương trình và cờ "
	    "đủ điều kiện cho phép", "is more than the %s VND the program "
	    "and the flag allow for this quote" },
	[VERR_ABOVE] = { "không được lớn hơn %s", "must be at most %s" },
	[VERR_BELOW] = { "không được nhỏ hơn %s", "must be at least %s" },
	[VERR_NOT_COMMUNE] = { "không phải phường, xã nào của thành phố Cần "
	    "Thơ (xem GET /communes)", "is not a ward or commune of Can Tho "
	    "city (see GET /communes)" },
	[VERR_NOT_DISTRICT] = { "không phải khu vực (quận, huyện cũ) nào "
	    "của thành phố Cần Thơ (xem GET /districts)", "is not a former "
	    "district of Can Tho city (see GET /districts)" },
	[VERR_PLACE_DISAGREES] = { "thuộc khu vực %s, không phải khu vực "
	    "đã gửi trong district", "lies in %s, not in the district sent" },
	[VERR_TYPE_NUMBER] = { "phải là số", "must be a number" },
	[VERR_DECIMALS] = { "có nhiều hơn 3 chữ số thập phân",
	    "has more than 3 decimal places" },
	[VERR_NOT_PATH_YEAR] = { "phải là năm trong đường dẫn (%s)",
	    "must be the year in the path (%s)" },
};

const char *
msg_text(enum msg id, int lang)
{
	if (id >= MSG_MAX || msgs[id].vi == NULL)
		return ("");
	return (lang == LANG_EN ? msgs[id].en : msgs[id].vi);
}

const char *
verr_text(enum verr id, int lang)
{
	if (id >= VERR_MAX || verrs[id].vi == NULL)
		return ("");
	return (lang == LANG_EN ? verrs[id].en : verrs[id].vi);
}
