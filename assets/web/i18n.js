// Every visible string, in Vietnamese (first) and English. A value is a
// string, or a function of the arguments for strings with numbers in them.
// To add a string: add the same key to both tables, then call t('key').

const vi = {
	site: 'Chợ công nghệ Cần Thơ',
	siteSub: 'Công nghệ sản xuất sạch hơn',
	skip: 'Bỏ qua, đến nội dung chính',
	navMain: 'Điều hướng chính',
	navSearch: 'Tìm công nghệ',
	navNeeds: 'Nhu cầu',
	navByproducts: 'Phụ phẩm',
	navResults: 'Kết quả SXSH',
	navMine: 'Công nghệ của tôi',
	signIn: 'Đăng nhập',
	signOut: 'Đăng xuất',
	langSwitch: 'English',
	langSwitchLabel: 'Switch to English',
	footer: 'Dữ liệu từ API công khai của Chợ công nghệ Cần Thơ.',
	footerApi: 'Tài liệu API',
	loading: 'Đang tải…',
	errorLoad: 'Không tải được dữ liệu. Vui lòng thử lại.',
	retry: 'Thử lại',
	any: 'Tất cả',
	loadMore: 'Xem thêm',

	searchTitle: 'Tìm công nghệ sản xuất sạch hơn',
	searchIntro: 'Gõ có dấu hoặc không dấu, ví dụ “xu ly nuoc thai”.',
	q: 'Từ khóa',
	qPlaceholder: 'lò hơi trấu, xử lý nước thải…',
	searchSubmit: 'Tìm',
	filters: 'Bộ lọc',
	activeFilters: (n) => `${n} đang dùng`,
	category: 'Lĩnh vực',
	sector: 'Ngành',
	district: 'Khu vực',
	trlMin: 'Mức TRL tối thiểu',
	trlAtLeast: (n) => `TRL ${n} trở lên`,
	priceMax: 'Giá khởi điểm tối đa',
	priceUpTo: (p) => `Đến ${p}`,
	fundingEligible: 'Đủ điều kiện hỗ trợ kinh phí',
	verifiedOnly: 'Chỉ nhà cung cấp đã xác minh',
	sort: 'Sắp xếp',
	sortRelevance: 'Phù hợp nhất',
	sortNewest: 'Mới nhất',
	sortPriceAsc: 'Giá tăng dần',
	sortPriceDesc: 'Giá giảm dần',
	resultCount: (n) => `${n} công nghệ`,
	resultsLabel: 'Kết quả tìm kiếm',
	didYouMean: 'Có phải bạn muốn tìm:',
	emptyTitle: 'Không tìm thấy công nghệ nào',
	emptyAdvice: 'Hãy thử từ khóa ngắn hơn, kiểm tra chính tả, hoặc bỏ bớt bộ lọc.',
	clearFilters: 'Xóa bộ lọc',
	verified: 'Đã xác minh',
	fundingBadge: 'Có hỗ trợ kinh phí',
	priceOnRequest: 'Giá: liên hệ',
	priceFrom: (a) => `Từ ${a}`,
	vendor: 'Nhà cung cấp',

	techSectors: 'Ngành phù hợp',
	techTrl: 'Mức sẵn sàng công nghệ',
	techPrice: 'Khoảng giá',
	techFacts: 'Thông tin chính',
	techSummary: 'Tóm tắt',
	techDescription: 'Mô tả',
	techBenefits: 'Hiệu quả',
	techCertifications: 'Chứng nhận',
	techFunding: 'Hỗ trợ kinh phí',
	techNeeds: 'Nhu cầu đang mở',
	trlValue: (n) => `TRL ${n}/9`,
	energySaving: (n) => `Tiết kiệm năng lượng: ${n}%`,
	waterSaving: (n) => `Tiết kiệm nước: ${n}%`,
	wasteReduction: (n) => `Giảm chất thải: ${n}%`,
	co2Reduction: (n) => `Giảm phát thải CO₂: ${n} tấn/năm`,
	noBenefits: 'Nhà cung cấp chưa công bố số liệu.',
	noCertifications: 'Chưa có chứng nhận.',
	noDescription: 'Chưa có mô tả chi tiết.',
	noSectors: 'Chưa nêu ngành.',
	fundingNo: 'Chưa được xác nhận đủ điều kiện hỗ trợ kinh phí',
	fundingProgram: (name, pct) => `${name}: hỗ trợ tối đa ${pct}%`,
	fundingUntil: (d) => `, đến hết ngày ${d}`,
	fundingNoEnd: ', không thời hạn',
	needsCount: (n) => `${n} nhu cầu đang mở cùng lĩnh vực`,
	needsUnknown: 'Xem các nhu cầu cùng lĩnh vực',
	verifiedVendor: 'Nhà cung cấp đã được xác minh',
	unverifiedVendor: 'Nhà cung cấp chưa được xác minh',
	quoteTitle: 'Yêu cầu báo giá',
	quoteMessage: 'Nội dung yêu cầu',
	quoteMessageHint: 'Mô tả nhu cầu, công suất, địa điểm lắp đặt…',
	quoteQuantity: 'Số lượng (không bắt buộc)',
	quoteSubmit: 'Gửi yêu cầu báo giá',
	quoteSent: 'Đã gửi yêu cầu báo giá. Nhà cung cấp sẽ phản hồi sớm.',
	quoteSignin: 'Đăng nhập bằng tài khoản doanh nghiệp để yêu cầu báo giá',
	quoteOnlyEnterprise: 'Chỉ tài khoản doanh nghiệp mới yêu cầu báo giá được. Đăng nhập bằng tài khoản khác',
	sending: 'Đang gửi…',
	backToSearch: 'Quay lại tìm kiếm',
	print: 'In trang',

	notFoundTitle: 'Không tìm thấy trang',
	notFoundText: 'Trang hoặc công nghệ này không tồn tại hoặc chưa được công bố.',
	notFoundHome: 'Về trang tìm kiếm',

	needsTitle: 'Nhu cầu công nghệ của doanh nghiệp',
	needsIntro: 'Các nhu cầu đang mở mà doanh nghiệp ở Cần Thơ đăng tìm công nghệ.',
	needsCountLive: (n) => `${n} nhu cầu`,
	needBudget: (a) => `Ngân sách tối đa: ${a}`,
	needDeadline: (d) => `Cần trước ngày ${d}`,
	needsEmpty: 'Không có nhu cầu nào khớp với tìm kiếm.',

	bpTitle: 'Sàn phụ phẩm',
	bpIntro: 'Doanh nghiệp chào bán hoặc tìm mua phụ phẩm, để chất thải của nơi này thành nguyên liệu của nơi khác.',
	bpSigninRequired: 'Sàn phụ phẩm chỉ dành cho thành viên. Vui lòng đăng nhập để xem.',
	kind: 'Loại tin',
	kindOffer: 'Chào bán',
	kindWant: 'Cần mua',
	bpQuantity: (n) => `${n} tấn/tháng`,
	bpUntil: (d) => `Đến ngày ${d}`,
	bpEmpty: 'Chưa có tin nào.',
	bpCount: (n) => `${n} tin`,

	cpTitle: 'Kết quả sản xuất sạch hơn của thành phố',
	cpIntro: 'Số liệu tổng hợp từ báo cáo hằng năm của doanh nghiệp, theo khu vực (28 quận, huyện cũ).',
	year: 'Năm',
	metric: 'Chỉ tiêu trên biểu đồ',
	cpNone: 'Chưa có năm nào được khóa sổ để công bố số liệu.',
	cpChartTitle: (m, y) => `Biểu đồ cột: ${m} theo khu vực, năm ${y}. Số liệu chi tiết ở bảng bên dưới.`,
	cpTableCaption: (y) => `Kết quả sản xuất sạch hơn năm ${y} theo khu vực`,
	cpTotals: 'Toàn thành phố',
	cpDistrict: 'Khu vực',
	cpReports: 'Số báo cáo',
	cpIso: 'Đạt ISO 14001',
	cpEnergy: 'Điện tiết kiệm (kWh)',
	cpWater: 'Nước tiết kiệm (m³)',
	cpWaste: 'Chất thải giảm (tấn)',
	cpCo2: 'CO₂ giảm (tấn)',
	cpInvestment: 'Vốn đầu tư',
	cpMedian: 'Tỷ lệ tiết kiệm trung vị',
	cpSuppressed: 'ẩn: dưới 3 doanh nghiệp báo cáo',
	cpSuppressedNote: 'Khu vực có dưới 3 doanh nghiệp báo cáo được ẩn số liệu để bảo vệ thông tin riêng.',
	cpClosedAt: (d) => `Khóa sổ ngày ${d}.`,
	cpNoData: 'Không có khu vực nào đủ số liệu để vẽ.',

	signinIntro: 'Dành cho nhà cung cấp, doanh nghiệp và cơ quan quản lý đã có tài khoản.',
	email: 'Email',
	password: 'Mật khẩu',
	signinBad: 'Email hoặc mật khẩu không đúng.',
	signinLocked: (s) => `Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ${s}.`,
	signinMissing: 'Vui lòng nhập email và mật khẩu.',
	minutes: (n) => `${n} phút`,
	seconds: (n) => `${n} giây`,
	signinRequired: 'Vui lòng đăng nhập để xem trang này.',

	mineTitle: 'Công nghệ của tôi',
	mineIntro: 'Tất cả tin đăng của bạn, ở mọi trạng thái.',
	mineVendorOnly: 'Trang này dành cho tài khoản nhà cung cấp.',
	mineEmpty: 'Bạn chưa có tin đăng nào.',
	mineFallback: 'Danh sách đầy đủ chưa có trên máy chủ; đang hiện các tin đã công bố.',
	mineCount: (n) => `${n} tin đăng`,
	statusFilter: 'Trạng thái',
	edit: 'Sửa',
	viewPublic: 'Xem trang công khai',
	updated: (d) => `Cập nhật ${d}`,
	status_draft: 'Bản nháp',
	status_published: 'Đã công bố',
	status_archived: 'Đã lưu trữ',

	editTitle: 'Sửa tin đăng',
	editFieldTitle: 'Tên công nghệ',
	editFieldDescription: 'Mô tả chi tiết',
	keepStatus: (s) => `Giữ nguyên: ${s}`,
	moveTo: (s) => `Chuyển sang: ${s}`,
	editFieldPriceMin: 'Giá thấp nhất (VND)',
	editFieldPriceMax: 'Giá cao nhất (VND)',
	priceHint: 'Số nguyên, đơn vị đồng; để trống nếu không công bố.',
	editSave: 'Lưu thay đổi',
	editSaved: 'Đã lưu thay đổi.',
	editNothing: 'Không có gì thay đổi.',
	editInvalid: 'Chưa lưu được: vui lòng sửa các ô được đánh dấu.',
	editStale: 'Tin này vừa được người khác thay đổi. Đã tải lại bản mới nhất; vui lòng nhập lại thay đổi của bạn.',
	editConflict: (d) => `Không thể lưu: ${d}`,
	editNotNumber: 'Chỉ nhập chữ số.',
	backToMine: 'Quay lại danh sách của tôi',
};

// English plurals: n may come formatted ("1", "1,000").
const pl = (n, one, many) => `${n} ${String(n) === '1' ? one : many}`;

const en = {
	site: 'Can Tho Technology Market',
	siteSub: 'Cleaner-production technologies',
	skip: 'Skip to main content',
	navMain: 'Main navigation',
	navSearch: 'Find technologies',
	navNeeds: 'Needs',
	navByproducts: 'By-products',
	navResults: 'City results',
	navMine: 'My listings',
	signIn: 'Sign in',
	signOut: 'Sign out',
	langSwitch: 'Tiếng Việt',
	langSwitchLabel: 'Chuyển sang tiếng Việt',
	footer: 'Data from the public API of the Can Tho Technology Market.',
	footerApi: 'API documentation',
	loading: 'Loading…',
	errorLoad: 'The data could not be loaded. Please try again.',
	retry: 'Try again',
	any: 'Any',
	loadMore: 'Load more',

	searchTitle: 'Find cleaner-production technologies',
	searchIntro: 'Type with or without Vietnamese accents, e.g. “xu ly nuoc thai”.',
	q: 'Keywords',
	qPlaceholder: 'rice husk boiler, wastewater…',
	searchSubmit: 'Search',
	filters: 'Filters',
	activeFilters: (n) => `${n} in use`,
	category: 'Category',
	sector: 'Sector',
	district: 'Area',
	trlMin: 'Minimum TRL',
	trlAtLeast: (n) => `TRL ${n} or higher`,
	priceMax: 'Starting price up to',
	priceUpTo: (p) => `Up to ${p}`,
	fundingEligible: 'Eligible for funding',
	verifiedOnly: 'Verified vendors only',
	sort: 'Sort by',
	sortRelevance: 'Best match',
	sortNewest: 'Newest',
	sortPriceAsc: 'Price, low to high',
	sortPriceDesc: 'Price, high to low',
	resultCount: (n) => pl(n, 'technology', 'technologies'),
	resultsLabel: 'Search results',
	didYouMean: 'Did you mean:',
	emptyTitle: 'No technology found',
	emptyAdvice: 'Try fewer or shorter words, check the spelling, or remove some filters.',
	clearFilters: 'Clear filters',
	verified: 'Verified',
	fundingBadge: 'Funding eligible',
	priceOnRequest: 'Price on request',
	priceFrom: (a) => `From ${a}`,
	vendor: 'Vendor',

	techSectors: 'Suits these sectors',
	techTrl: 'Technology readiness level',
	techPrice: 'Price range',
	techFacts: 'Key facts',
	techSummary: 'Summary',
	techDescription: 'Description',
	techBenefits: 'Savings',
	techCertifications: 'Certifications',
	techFunding: 'Funding',
	techNeeds: 'Open needs',
	trlValue: (n) => `TRL ${n} of 9`,
	energySaving: (n) => `Energy saving: ${n}%`,
	waterSaving: (n) => `Water saving: ${n}%`,
	wasteReduction: (n) => `Waste reduction: ${n}%`,
	co2Reduction: (n) => `CO₂ avoided: ${n} tonnes a year`,
	noBenefits: 'The vendor has not published figures.',
	noCertifications: 'No certifications listed.',
	noDescription: 'No detailed description yet.',
	noSectors: 'No sector given.',
	fundingNo: 'Not confirmed as eligible for funding',
	fundingProgram: (name, pct) => `${name}: up to ${pct}% support`,
	fundingUntil: (d) => `, until ${d}`,
	fundingNoEnd: ', no end date',
	needsCount: (n) => `${pl(n, 'open need', 'open needs')} in the same category`,
	needsUnknown: 'See needs in the same category',
	verifiedVendor: 'Verified vendor',
	unverifiedVendor: 'Vendor not verified',
	quoteTitle: 'Request a quote',
	quoteMessage: 'Your request',
	quoteMessageHint: 'Describe what you need: capacity, site, timing…',
	quoteQuantity: 'Quantity (optional)',
	quoteSubmit: 'Send quote request',
	quoteSent: 'Your quote request was sent. The vendor will answer soon.',
	quoteSignin: 'Sign in with an enterprise account to request a quote',
	quoteOnlyEnterprise: 'Only enterprise accounts can request quotes. Sign in with another account',
	sending: 'Sending…',
	backToSearch: 'Back to search',
	print: 'Print this page',

	notFoundTitle: 'Page not found',
	notFoundText: 'This page or technology does not exist or is not published.',
	notFoundHome: 'Go to the search page',

	needsTitle: 'Enterprises’ technology needs',
	needsIntro: 'Open requests from Can Tho enterprises looking for technologies.',
	needsCountLive: (n) => pl(n, 'need', 'needs'),
	needBudget: (a) => `Budget up to ${a}`,
	needDeadline: (d) => `Needed by ${d}`,
	needsEmpty: 'No need matches this search.',

	bpTitle: 'By-product exchange',
	bpIntro: 'Enterprises offer or look for by-products, so that one plant’s waste becomes another’s raw material.',
	bpSigninRequired: 'The by-product exchange is for members. Please sign in to see it.',
	kind: 'Kind',
	kindOffer: 'Offered',
	kindWant: 'Wanted',
	bpQuantity: (n) => `${n} tonnes a month`,
	bpUntil: (d) => `Until ${d}`,
	bpEmpty: 'No entries yet.',
	bpCount: (n) => pl(n, 'entry', 'entries'),

	cpTitle: 'The city’s cleaner-production results',
	cpIntro: 'Figures compiled from enterprises’ yearly reports, by area (the 28 former districts).',
	year: 'Year',
	metric: 'Figure in the chart',
	cpNone: 'No year has been closed and published yet.',
	cpChartTitle: (m, y) => `Bar chart: ${m} by area, ${y}. The table below holds the figures.`,
	cpTableCaption: (y) => `Cleaner-production results ${y} by area`,
	cpTotals: 'Whole city',
	cpDistrict: 'Area',
	cpReports: 'Reports',
	cpIso: 'ISO 14001 certified',
	cpEnergy: 'Energy saved (kWh)',
	cpWater: 'Water saved (m³)',
	cpWaste: 'Waste reduced (tonnes)',
	cpCo2: 'CO₂ reduced (tonnes)',
	cpInvestment: 'Investment',
	cpMedian: 'Median saving rate',
	cpSuppressed: 'hidden: fewer than 3 enterprises',
	cpSuppressedNote: 'Areas with fewer than 3 reporting enterprises are hidden to protect their data.',
	cpClosedAt: (d) => `Closed on ${d}.`,
	cpNoData: 'No area has enough figures to draw.',

	signinIntro: 'For vendors, enterprises and agencies with an account.',
	email: 'Email',
	password: 'Password',
	signinBad: 'Wrong email or password.',
	signinLocked: (s) => `Too many failed attempts. Please try again in ${s}.`,
	signinMissing: 'Please enter your email and password.',
	minutes: (n) => pl(n, 'minute', 'minutes'),
	seconds: (n) => pl(n, 'second', 'seconds'),
	signinRequired: 'Please sign in to see this page.',

	mineTitle: 'My listings',
	mineIntro: 'All your listings, in every status.',
	mineVendorOnly: 'This page is for vendor accounts.',
	mineEmpty: 'You have no listings yet.',
	mineFallback: 'The full list is not available from the server yet; showing your published listings.',
	mineCount: (n) => pl(n, 'listing', 'listings'),
	statusFilter: 'Status',
	edit: 'Edit',
	viewPublic: 'View public page',
	updated: (d) => `Updated ${d}`,
	status_draft: 'Draft',
	status_published: 'Published',
	status_archived: 'Archived',

	editTitle: 'Edit listing',
	editFieldTitle: 'Technology name',
	editFieldDescription: 'Detailed description',
	keepStatus: (s) => `Keep: ${s}`,
	moveTo: (s) => `Move to: ${s}`,
	editFieldPriceMin: 'Lowest price (VND)',
	editFieldPriceMax: 'Highest price (VND)',
	priceHint: 'Whole dong, digits only; leave empty to not publish a price.',
	editSave: 'Save changes',
	editSaved: 'Changes saved.',
	editNothing: 'Nothing changed.',
	editInvalid: 'Not saved: please correct the marked fields.',
	editStale: 'Someone else changed this listing. The latest version is loaded; please enter your changes again.',
	editConflict: (d) => `Could not save: ${d}`,
	editNotNumber: 'Digits only.',
	backToMine: 'Back to my listings',
};

const tables = { vi, en };
const KEY = 'tm.lang';

function stored() {
	try {
		return localStorage.getItem(KEY);
	} catch {
		return null;
	}
}

let lang = stored() === 'en' ? 'en' : 'vi';

export function getLang() {
	return lang;
}

export function setLang(l) {
	lang = l === 'en' ? 'en' : 'vi';
	try {
		localStorage.setItem(KEY, lang);
	} catch {
		/* private mode: the choice lasts for this page only */
	}
	document.documentElement.lang = lang;
}

export function t(key, ...args) {
	const v = tables[lang][key] ?? tables.vi[key];
	if (v === undefined) return key;
	return typeof v === 'function' ? v(...args) : v;
}

// Reference data carries name_vi and name_en.
export function nameOf(item) {
	if (!item) return '';
	return (lang === 'en' ? item.name_en : item.name_vi) || item.name_vi || item.code || '';
}

const locale = () => (lang === 'en' ? 'en-US' : 'vi-VN');

export function money(n) {
	return new Intl.NumberFormat(locale(), {
		style: 'currency', currency: 'VND', maximumFractionDigits: 0,
	}).format(n);
}

export function num(n, digits = 0) {
	return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);
}

// A date 'YYYY-MM-DD' or a timestamp, written as a day in Can Tho:
// 31/12/2027 in Vietnamese, 31 Dec 2027 in English.
export function day(s) {
	if (!s) return '';
	const d = s.length === 10 ? new Date(`${s}T00:00:00Z`) : new Date(s);
	if (Number.isNaN(d.getTime())) return s;
	const opts = lang === 'en' ? { day: 'numeric', month: 'short', year: 'numeric' }
		: { day: '2-digit', month: '2-digit', year: 'numeric' };
	opts.timeZone = s.length === 10 ? 'UTC' : 'Asia/Ho_Chi_Minh';
	return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'vi-VN', opts).format(d);
}

document.documentElement.lang = lang;

// A price range in VND: both ends, one end, or "on request".
export function priceRange(min, max) {
	if (min == null && max == null) return t('priceOnRequest');
	if (min != null && max != null && min !== max) return `${money(min)} – ${money(max)}`;
	if (min != null && max != null) return money(min);
	return min != null ? t('priceFrom', money(min)) : t('priceUpTo', money(max));
}

// Reference items sorted by their name in the current language.
export function byName(map) {
	return Array.from(map.values()).sort((a, b) => nameOf(a).localeCompare(nameOf(b), lang));
}
