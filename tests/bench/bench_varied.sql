-- bench_varied.sql -- :n technologies for `make bench-data N=... GEN=varied`
-- and the search mix of `make bench`: the second generator, written so
-- that search cannot be tuned to it. Titles of 4-20 words are built from
-- a vocabulary of real Vietnamese cleaner-production words and phrases
-- (below, as data), each kind drawn with a Zipf-like frequency; in some
-- rows a phrase stands whole in the title, in others its words are
-- scattered over the title, the summary and the description. Vendors
-- hold 1-500 listings each, a tenth of the rows are drafts or archived,
-- creation dates spread over five years, categories and sectors come
-- from the reference tables.
--
-- Set-based (no per-row loops): a million rows load in minutes.
-- Deterministic (setseed): the same :n gives the same rows, dates
-- excepted (they count back from now()). Its own vendors (ids
-- 00000000-0000-4000-a000-*, tax codes 0999xxxxxx), separate from
-- bench_data.sql's; a reload replaces them and their listings.

BEGIN;

SELECT setseed(0.1414);

-- The vocabulary. A line "@kind tag" opens a section; the lines after it
-- hold that kind's entries, separated by commas, most frequent first.
--   head   what the listing is (the title's first words)
--   core   equipment and processes; tag = the category they belong to
--   mat    materials and fuels
--   ind    industries and plants; tag = the sector
--   prod   products
--   adj    qualities
--   place  places in and around Can Tho
--   ben    benefits
CREATE TEMP TABLE vv_vocab ON COMMIT DROP AS
WITH l AS (
	SELECT btrim(x.l) AS l, x.n
	FROM regexp_split_to_table($vocab$
@head
hệ thống, giải pháp, thiết bị, công nghệ, dây chuyền, mô hình, máy, bộ,
trạm, quy trình, cụm thiết bị, gói giải pháp, phần mềm, mô-đun, tổ hợp,
trọn bộ, dịch vụ lắp đặt, dịch vụ cải tạo, dịch vụ tư vấn, nhà xưởng mẫu,
bộ kit, xe chuyên dụng, bồn, tủ điều khiển, giàn, cải tiến, nâng cấp,
chuyển giao công nghệ, kỹ thuật, phương pháp

@core wastewater_treatment
xử lý nước thải, xử lý nước thải sinh hoạt, xử lý nước thải công nghiệp,
bể lắng, bể điều hòa, bể hiếu khí, bể kỵ khí, bể tuyển nổi, bể lọc sinh học,
bể aerotank, bể SBR, bể UASB, bể MBBR, màng MBR, giá thể vi sinh,
đĩa phân phối khí mịn, máy thổi khí, máy thổi khí con sò, bơm chìm nước thải,
máy tách rác tinh, song chắn rác, lưới lọc rác, máy ép bùn băng tải,
máy ép bùn trục vít, máy ép bùn khung bản, bể nén bùn, sân phơi bùn,
bể khử trùng, châm clo tự động, đèn UV khử trùng, bể keo tụ tạo bông,
châm hóa chất PAC, châm polymer, cụm xử lý nitơ, khử nitơ, khử phốt pho,
xử lý amoni, bể thiếu khí, thiết bị tách dầu mỡ, bẫy mỡ, bể tách mỡ,
tuyển nổi khí hòa tan, xử lý bùn thải, hồ sinh học, bãi lọc trồng cây,
đất ngập nước nhân tạo, hồ ổn định, mương oxy hóa, xử lý nước rỉ rác,
xử lý nước thải chăn nuôi, xử lý nước thải thủy sản, xử lý nước thải dệt nhuộm,
xử lý màu nước thải, oxy hóa nâng cao, Fenton, ozon hóa, điện hóa,
keo tụ điện hóa, trạm xử lý nước thải mô-đun, bể composite, bể inox,
hợp khối xử lý nước thải, ống thu nước thải, trạm bơm nước thải

@core water_saving
lọc màng RO, lọc màng UF, lọc màng NF, lọc cát áp lực, lọc than hoạt tính,
làm mềm nước, trao đổi ion, tái sử dụng nước, tái sử dụng nước thải,
thu gom nước mưa, bồn chứa nước mưa, tuần hoàn nước làm mát, vòi tiết kiệm nước,
súng phun áp lực cao, vệ sinh CIP, vệ sinh khô, tưới nhỏ giọt, tưới phun mưa,
đồng hồ nước điện tử, xử lý nước cấp, khử sắt, khử mangan, lọc nước giếng khoan,
lọc nước mặt, nước tinh khiết, nước cấp lò hơi, khử khoáng, máy lọc nước công nghiệp,
hệ thống tuần hoàn nước, rửa ngược tự động, van phao, cảm biến rò rỉ nước,
thu hồi nước ngưng, tái sử dụng nước rửa, nước cấp chế biến, tháp lọc áp lực,
lọc tinh, lọc túi, lọc đĩa, lọc xơ, khử trùng nước cấp, trạm cấp nước,
bồn lọc composite, bể chứa nước sạch, bơm tăng áp, bơm định lượng

@core solid_waste
ủ phân hữu cơ, ủ phân compost, ủ phân vi sinh, biogas, hầm biogas, túi biogas,
bể biogas composite, phân loại rác tại nguồn, máy nghiền rác, máy ép rác,
lò đốt rác, lò đốt chất thải nguy hại, lò đốt chất thải y tế, nuôi ruồi lính đen,
trùn quế, xử lý vỏ trấu, ép viên nhiên liệu sinh khối, ép củi trấu,
than sinh học, than hoạt tính từ gáo dừa, tận dụng phụ phẩm, chế biến bột cá,
thu hồi dầu cá, xử lý đầu vỏ tôm, chiết xuất chitin, làm thức ăn chăn nuôi,
rơm rạ làm nấm, trồng nấm rơm, tái chế nhựa, tái chế giấy, tái chế bao bì,
tái chế xỉ than, gạch không nung từ tro bay, máy ép bã, máy sàng phân loại,
băng tải phân loại, thùng ủ hiếu khí, máy đảo trộn phân, máy vắt bùn,
xử lý bùn thải thành phân bón, xử lý xác động vật, máy sấy phân, lò nhiệt phân,
khí hóa sinh khối, khí hóa trấu, chế biến thức ăn từ phụ phẩm cá tra,
thu hồi mỡ cá, sản xuất collagen từ da cá, tái chế vải vụn, xử lý tro lò hơi

@core air_emissions
lọc bụi túi vải, lọc bụi tĩnh điện, cyclone lọc bụi, tháp hấp thụ,
tháp rửa khí, tháp hấp phụ than hoạt tính, xử lý khí thải lò hơi,
xử lý mùi, khử mùi sinh học, biofilter, xử lý khí SO2, xử lý khí NOx,
quan trắc khí thải tự động, ống khói, quạt hút khí thải, chụp hút,
xử lý bụi gỗ, xử lý hơi dung môi, xử lý hơi axit, buồng lắng bụi,
lọc bụi ướt, phun sương dập bụi, màng chắn bụi, đốt xúc tác, xử lý khí VOC,
thu hồi CO2, giảm phát thải khí nhà kính, lọc khí phòng sạch, thông gió nhà xưởng,
xử lý khí thải lò đốt, xử lý khí biogas, khử H2S, lọc bụi cartridge, tháp đệm,
thiết bị venturi, hệ thống hút bụi trung tâm, tường cây xanh cách ly

@core renewable_energy
điện mặt trời, điện mặt trời áp mái, điện mặt trời nổi, pin mặt trời,
tấm pin năng lượng mặt trời, inverter hòa lưới, lưu trữ điện, pin lưu trữ lithium,
máy nước nóng năng lượng mặt trời, sấy năng lượng mặt trời, nhà kính sấy,
điện gió, tua bin gió mini, lò hơi đốt trấu, lò hơi đốt sinh khối,
lò hơi đốt củi, lò hơi tầng sôi, lò hơi ghi xích, lò hơi đốt viên nén,
lò đốt trấu, lò khí hóa trấu, máy phát điện biogas, máy phát điện trấu,
đèn năng lượng mặt trời, bơm nước năng lượng mặt trời, điện sinh khối,
đồng phát nhiệt điện, nhiệt mặt trời, hệ thống điện hybrid, giàn pin mặt trời,
bộ điều khiển sạc, trạm sạc năng lượng mặt trời, năng lượng tái tạo,
nhiên liệu sinh học, dầu biodiesel từ mỡ cá, cồn sinh học, viên nén mùn cưa

@core energy_efficiency
biến tần, biến tần cho bơm, biến tần cho quạt, biến tần cho máy nén,
động cơ hiệu suất cao, động cơ IE3, động cơ IE4, động cơ nam châm vĩnh cửu,
máy nén khí trục vít, máy nén khí biến tần, rò rỉ khí nén, thu hồi nhiệt,
thu hồi nhiệt thải, thu hồi nhiệt máy nén khí, thu hồi nhiệt khói lò,
bộ trao đổi nhiệt, bộ trao đổi nhiệt dạng tấm, bộ trao đổi nhiệt ống chùm,
bơm nhiệt, bơm nhiệt nước nóng, chiếu sáng LED, đèn LED nhà xưởng,
đèn LED công nghiệp, bù công suất phản kháng, tụ bù, máy biến áp hiệu suất cao,
bảo ôn đường ống, bảo ôn đường ống hơi, bẫy hơi, bẫy hơi nhiệt động,
bồn thu hồi nước ngưng, điều hòa trung tâm, chiller giải nhiệt nước,
tháp giải nhiệt, quạt hướng trục, quạt ly tâm, bơm ly tâm hiệu suất cao,
máy lạnh inverter, kho lạnh, kho lạnh tiết kiệm điện, cửa kho lạnh,
panel cách nhiệt, khởi động mềm, bộ hâm nước cấp, bộ sấy không khí,
bộ tiết kiệm nhiên liệu, van điều áp, đồng hồ điện thông minh, quản lý năng lượng,
kiểm toán năng lượng, hệ thống quản lý năng lượng ISO 50001, cách nhiệt mái,
tôn lạnh chống nóng, thông gió tự nhiên, làm mát bay hơi, quạt hơi nước,
máy đá vảy, máy đá cây, cấp đông IQF, tủ cấp đông tiếp xúc, tủ đông gió,
hầm đông, băng chuyền cấp đông, máy nén lạnh, dàn ngưng bay hơi, dàn lạnh

@core monitoring_control
giám sát năng lượng, giám sát năng lượng IoT, cảm biến IoT, SCADA,
bộ điều khiển PLC, quan trắc nước thải tự động, quan trắc chất lượng nước,
đo pH trực tuyến, đo DO, đo COD trực tuyến, đo lưu lượng, đồng hồ đo lưu lượng,
cảm biến nhiệt độ, cảm biến độ ẩm, cảm biến áp suất, ghi dữ liệu,
phần mềm quản lý sản xuất, điều khiển từ xa, điều khiển tự động,
truyền dữ liệu quan trắc, camera giám sát, cân điện tử, đo điện năng,
phân tích chất lượng điện, tủ điện điều khiển, màn hình HMI,
hệ thống MES, bảng điều khiển trung tâm, cảnh báo sự cố, bảo trì dự đoán,
đo độ rung, camera nhiệt, phân tích khí thải, đo nồng độ bụi, đo tiếng ồn,
truy xuất nguồn gốc, mã QR truy xuất, chuyển đổi số, bản sao số

@core material_substitution
thay thế môi chất lạnh, môi chất lạnh R32, môi chất lạnh NH3, môi chất lạnh CO2,
thay thế than đá, thay thế dầu FO, chuyển đổi nhiên liệu, chuyển sang khí hóa lỏng,
thuốc nhuộm thân thiện môi trường, hóa chất sinh học, chế phẩm vi sinh,
chế phẩm enzyme, bao bì phân hủy sinh học, bao bì giấy, ống hút gạo,
ống hút cỏ bàng, hộp bã mía, túi sinh học, nhựa sinh học, sơn gốc nước,
keo không formaldehyde, chất tẩy rửa sinh học, chất trợ lắng tự nhiên,
gạch không nung, vật liệu cách nhiệt từ xơ dừa, tấm ép từ rơm, ván ép từ trấu,
mực in gốc nước, phân bón hữu cơ thay phân hóa học, thuốc bảo vệ thực vật sinh học,
chất bảo quản tự nhiên, thay thế chì, thay thế amiăng, dầu nhờn sinh học

@core process_optimisation
tối ưu hóa quy trình, tối ưu hóa quy trình sấy, sản xuất sạch hơn,
quản lý nội vi, 5S, sản xuất tinh gọn, kiểm soát tổn thất, giảm hao hụt,
tối ưu hóa lò hơi, tối ưu hóa đốt cháy, tối ưu hóa hệ thống hơi,
tối ưu hóa hệ thống lạnh, tối ưu hóa hệ thống khí nén, cải tiến dây chuyền,
tự động hóa dây chuyền, robot đóng gói, máy đóng gói tự động, máy chiết rót,
máy sấy, máy sấy tầng sôi, máy sấy thăng hoa, máy sấy bơm nhiệt, máy sấy trống quay,
máy sấy tháp, lò sấy lúa, lò sấy vỉ ngang, lò sấy tĩnh, sấy lúa, sấy trái cây,
sấy cá khô, sấy tôm, sấy nông sản, máy xay xát, máy xay xát lúa gạo, máy lau bóng gạo,
máy tách màu gạo, máy bóc vỏ, máy tách hạt, máy phân loại trái cây, máy rửa trái cây,
máy cô đặc chân không, nồi nấu hai vỏ, nồi hấp tiệt trùng, máy thanh trùng,
máy ép trái cây, máy lọc khung bản, máy ly tâm, máy trộn, máy nghiền,
máy cắt, máy phi lê cá, máy lột da cá, máy tách xương, máy xay thịt cá,
máy nhuộm cao áp, máy nhuộm áp lực thấp, nhuộm tỷ lệ dung dịch thấp,
máy giặt công nghiệp, máy căng định hình, máy đùn nhựa, máy ép phun,
máy thổi màng, lò nung gạch tuynel, lò nung liên tục, lò Hoffman,
cải tạo lò gạch thủ công, lò vôi, máy ép gạch, kiểm soát chất lượng,
chuẩn hóa công thức, hoạch định sản xuất, đánh giá sản xuất sạch hơn,
thu hồi dung môi, chưng cất thu hồi, lên men, lên men liên tục, nấu bia,
hệ thống thu hồi CO2 nhà máy bia, chiết lọc, tinh chế, kết tinh, cô đặc,
phối trộn thức ăn, ép đùn thức ăn thủy sản, viên nén thức ăn, lọc dầu

@mat
trấu, vỏ trấu, rơm rạ, mùn cưa, gáo dừa, xơ dừa, vỏ dừa, bã mía, bã sắn,
mỡ cá, vỏ tôm, đầu tôm, da cá, xương cá, vảy cá, phụ phẩm cá tra, bùn thải,
phân heo, phân bò, phân gà, lục bình, tro bay, xỉ than, than đá, củi, dầu FO,
dầu DO, khí hóa lỏng, khí thiên nhiên, khí sinh học, viên nén gỗ, than hoạt tính,
thép không gỉ, inox 304, inox 316, thép mạ kẽm, nhựa HDPE, nhựa PP, nhựa PVC,
nhựa composite FRP, sợi thủy tinh, gang, nhôm, đồng, bê tông cốt thép, gạch,
xi măng, cát thạch anh, sỏi lọc, than antraxit, hạt nhựa trao đổi ion,
zeolite, đá vôi, vôi bột, xút, axit sulfuric, clo, PAC, phèn nhôm, polymer anion,
polymer cation, ozon, hydro peroxit, enzyme, vi sinh vật, bùn vi sinh,
màng HDPE, vải địa kỹ thuật, vải lọc, túi lọc PE, túi lọc PTFE, sợi rỗng,
màng gốm, màng polymer, gỗ cao su, tre, lá dừa, cỏ bàng, bột gạo, tinh bột sắn,
cám gạo, tấm gạo, vỏ cà phê, vỏ điều, vỏ sầu riêng, vỏ bưởi, bã đậu nành,
bã bia, men bia, hèm rượu, nước mía, mật rỉ đường, nước dừa, nước vo gạo,
dầu thải, nhớt thải, pin thải, bóng đèn thải, giấy vụn, bìa carton, nhựa phế liệu,
sắt phế liệu, vải vụn, sợi bông, sợi polyester, thuốc nhuộm hoạt tính,
thuốc nhuộm phân tán, muối công nghiệp, nước biển, nước lợ, nước ngầm, nước mặt,
nước sông Hậu, hơi nước bão hòa, hơi quá nhiệt, nước nóng, nước lạnh, khí nén,
glycol, amoniac, freon, R22, R404A, R134a, dầu truyền nhiệt, muối nóng chảy,
silicon, pin lithium, ắc quy chì, ắc quy axit, tấm cách nhiệt, bông khoáng,
bông thủy tinh, xốp EPS, polyurethane, cao su, silicone thực phẩm, thủy tinh,
gốm, sứ, đất sét, cát sông, cát san lấp, tro trấu, silica từ tro trấu,
phân trùn, dịch đạm cá, dịch chuối, chế phẩm EM, nấm Trichoderma, vi khuẩn nitrat hóa,
vi khuẩn kỵ khí, tảo, bèo tấm, rong biển, rau muống, cây sậy, cây dừa nước,
lưu huỳnh, bụi gỗ, bụi than, hơi dung môi, khói lò, khí thải, nước ngưng,
bùn đỏ, bùn hoạt tính, bùn hầm biogas, dịch thải, nước rỉ rác, chất thải nguy hại

@ind seafood_processing
nhà máy chế biến thủy sản, nhà máy chế biến cá tra, nhà máy phi lê cá tra,
nhà máy chế biến tôm, xưởng chế biến tôm đông lạnh, cơ sở làm khô cá,
nhà máy bột cá, nhà máy dầu cá, nhà máy chế biến surimi, cơ sở làm mắm,
cơ sở nước mắm, nhà máy đồ hộp cá, kho lạnh thủy sản, chợ đầu mối thủy sản,
cơ sở nuôi cá tra, trại giống thủy sản, ao nuôi tôm, vùng nuôi cá tra

@ind rice_food_processing
nhà máy xay xát lúa gạo, nhà máy lau bóng gạo, kho lúa, cơ sở sấy lúa,
nhà máy chế biến gạo xuất khẩu, xưởng bánh tráng, cơ sở bún tươi,
xưởng bánh phở, nhà máy mì ăn liền, lò bánh pía, cơ sở bánh kẹo,
nhà máy chế biến thực phẩm, lò giết mổ gia súc, lò giết mổ gia cầm,
nhà máy chế biến thịt, cơ sở làm nem chua, cơ sở làm lạp xưởng,
nhà máy thức ăn chăn nuôi, nhà máy thức ăn thủy sản, hợp tác xã lúa gạo

@ind beverages
nhà máy bia, nhà máy nước giải khát, cơ sở nước đá, nhà máy nước đóng chai,
cơ sở rượu đế, nhà máy rượu vang trái cây, xưởng cà phê rang xay,
nhà máy sữa, nhà máy nước ép trái cây, cơ sở trà thảo mộc, nhà máy cồn

@ind textiles_garments
xưởng dệt nhuộm, nhà máy dệt, nhà máy may mặc, xưởng may gia công,
cơ sở giặt tẩy, xưởng in lụa, nhà máy sợi, làng nghề dệt chiếu,
cơ sở nhuộm vải, nhà máy giày da, xưởng thuộc da

@ind chemicals_plastics
nhà máy nhựa, xưởng tái chế nhựa, nhà máy bao bì nhựa, nhà máy phân bón,
nhà máy hóa chất, nhà máy sơn, nhà máy chất tẩy rửa, nhà máy cao su,
nhà máy săm lốp, xưởng ép nhựa, nhà máy thuốc bảo vệ thực vật, nhà máy khí công nghiệp

@ind mechanical_engineering
xưởng cơ khí, nhà máy đóng tàu, xưởng sửa chữa tàu thuyền, nhà máy kết cấu thép,
xưởng mạ kẽm, xưởng sơn tĩnh điện, xưởng đúc gang, nhà máy chế tạo máy nông nghiệp,
garage ô tô, xưởng gia công cơ khí chính xác, nhà máy lắp ráp xe máy, xưởng hàn

@ind construction_materials
lò gạch tuynel, lò gạch thủ công, nhà máy gạch không nung, trạm trộn bê tông,
nhà máy xi măng, nhà máy gạch men, mỏ cát, xưởng đá xây dựng, nhà máy ống cống bê tông,
nhà máy tấm lợp, nhà máy kính, xưởng gốm sứ, làng nghề gốm Mang Thít

@ind paper_packaging
nhà máy giấy, nhà máy bao bì carton, xưởng in bao bì, nhà máy giấy tái chế,
xưởng túi giấy, nhà máy bao bì màng ghép, cơ sở in offset

@ind agriculture_processing
nhà máy chế biến trái cây, cơ sở sấy trái cây, nhà máy chế biến rau quả,
vựa trái cây, nhà máy đường, cơ sở kẹo dừa, nhà máy chế biến dừa,
nhà máy chế biến điều, cơ sở sấy khô xoài, hợp tác xã trái cây,
nhà vườn, trang trại chăn nuôi heo, trang trại gà, trang trại bò sữa,
trang trại vịt, hợp tác xã nông nghiệp, vùng trồng lúa, vườn cây ăn trái,
cơ sở trồng nấm, làng nghề bánh tráng, nhà sơ chế nông sản, chợ nổi Cái Răng

@ind pharmaceuticals
nhà máy dược phẩm, nhà máy thuốc thú y, bệnh viện, phòng khám, phòng thí nghiệm,
nhà máy dược liệu, cơ sở chiết xuất tinh dầu, nhà máy thực phẩm chức năng,
nhà máy mỹ phẩm, cơ sở sản xuất vắc xin thủy sản

@prod
cá tra phi lê, cá tra đông lạnh, tôm sú, tôm thẻ chân trắng, tôm đông lạnh,
cá basa, cá lóc, cá rô đồng, cá khô, khô cá lóc, mắm cá linh, nước mắm,
bột cá, dầu cá, surimi, chả cá, gạo thơm, gạo xuất khẩu, gạo ST25, gạo nếp,
gạo lứt, bột gạo, bánh tráng, bún, hủ tiếu, bánh phở, bánh pía, kẹo dừa,
bia, bia lon, nước giải khát, nước đóng chai, nước đá, rượu đế, rượu vang,
cà phê, trà, sữa, sữa chua, nước ép xoài, nước ép cam, xoài cát Hòa Lộc,
xoài sấy dẻo, sầu riêng, bưởi năm roi, cam sành, chôm chôm, nhãn, mít,
thanh long, dừa sáp, dừa xiêm, chuối, khóm, dứa sấy, mít sấy, khoai lang,
khoai mì, đường mía, đường thốt nốt, mật ong, nấm rơm, nấm bào ngư, rau an toàn,
rau thủy canh, dưa lưới, ớt, hành tím, sả, gừng, nghệ, tiêu, hạt điều,
đậu nành, đậu phộng, bắp, thịt heo, thịt gà, thịt vịt, trứng vịt, trứng gà,
lạp xưởng, nem chua, chà bông, xúc xích, thức ăn chăn nuôi, thức ăn cá,
thức ăn tôm, phân bón hữu cơ, phân vi sinh, phân trùn quế, viên nén sinh khối,
củi trấu, than sinh học, than hoạt tính, phân compost, giá thể trồng cây,
vải, sợi, quần áo, chiếu, giày, túi xách, bao bì nhựa, túi nilon, chai nhựa,
hộp xốp, bao bì carton, giấy kraft, giấy vệ sinh, ống hút, ly giấy, hộp cơm,
gạch nung, gạch không nung, ngói, bê tông tươi, xi măng, ống cống, tấm lợp,
gốm, sứ, kính, sơn, keo dán, chất tẩy rửa, xà phòng, mỹ phẩm, dầu gội,
tinh dầu sả, tinh dầu bưởi, thuốc viên, thuốc tiêm, thuốc thú y, vắc xin,
dược liệu, trà thảo dược, nước muối sinh lý, cồn y tế, khẩu trang, găng tay,
ống nhựa, hạt nhựa tái chế, lốp xe, săm xe, bình ắc quy, tàu cá, ghe xuồng,
máy gặt đập liên hợp, máy cày, máy bơm nước, kết cấu thép, khung nhà tiền chế,
đồ gỗ, ván ép, bàn ghế, nhang, nón lá, hàng thủ công mỹ nghệ, đồ lục bình,
điện, hơi nước, nước nóng, nước sạch, khí sinh học, nước tái sử dụng,
collagen, gelatin, chitosan, glucosamine, dầu dừa, sữa dừa, cơm dừa nạo sấy,
bột trái cây, mứt, bánh kẹo, mì ăn liền, đồ hộp, thịt hộp, cá hộp, pate

@adj
tiết kiệm năng lượng, tiết kiệm điện, tiết kiệm nước, tiết kiệm chi phí,
công suất nhỏ, công suất lớn, công suất vừa, quy mô hộ gia đình, quy mô công nghiệp,
quy mô hợp tác xã, hiệu suất cao, chi phí thấp, giá rẻ, bền, chống ăn mòn,
chịu nhiệt, chống cháy nổ, an toàn, thân thiện môi trường, ít phát thải,
không mùi, không khói, vận hành đơn giản, dễ bảo trì, tự động, bán tự động,
thông minh, kết nối IoT, điều khiển qua điện thoại, thế hệ mới, cải tiến,
hiện đại, nhỏ gọn, di động, lắp ghép, dạng mô-đun, dạng container, đặt nổi,
đặt ngầm, chạy êm, độ ồn thấp, tuổi thọ cao, bảo hành dài hạn, bảo hành 24 tháng,
bảo hành 5 năm, đạt QCVN, đạt QCVN cột A, đạt QCVN cột B, đạt chuẩn ISO,
đạt chuẩn HACCP, đạt chuẩn GlobalGAP, đạt chuẩn VietGAP, đạt chuẩn châu Âu,
nhập khẩu, sản xuất trong nước, công nghệ Nhật Bản, công nghệ Hàn Quốc,
công nghệ Đức, công nghệ Israel, công nghệ Việt Nam, chính hãng, đồng bộ,
trọn gói, chìa khóa trao tay, linh hoạt, đa năng, chuyên dụng, liên tục,
gián đoạn, tuần hoàn kín, khép kín, tuần hoàn, kín khí, hở, tĩnh, động,
siêu tiết kiệm, hiệu quả, ổn định, tin cậy, chính xác, nhanh, gọn nhẹ,
tải trọng lớn, áp suất cao, áp suất thấp, nhiệt độ thấp, nhiệt độ cao,
chân không, vô trùng, sạch, xanh, carbon thấp, trung hòa carbon, tuần hoàn carbon,
không hóa chất, ít hóa chất, không dùng nước, ít nước, thu hồi vốn nhanh,
hoàn vốn dưới 2 năm, hoàn vốn 3 năm, được hỗ trợ vốn, vay ưu đãi, cho thuê,
trả góp, mẫu mới, phổ biến, đã kiểm chứng, đã thương mại hóa, thử nghiệm,
thí điểm, đạt giải thưởng, có bằng sáng chế, mã nguồn mở, chi phí vận hành thấp,
không cần điện, dùng điện mặt trời, dùng trấu, dùng sinh khối, chạy bằng biogas,
hai cấp, ba cấp, nhiều tầng, một tầng, nằm ngang, đứng, dạng tháp, dạng bể,
dạng ống, dạng tấm, dạng túi, cố định, có bánh xe, ngoài trời, trong nhà,
chống nước, chống bụi, chống ẩm, chịu mặn, chịu phèn, mùa lũ, vùng ngập,
vùng nông thôn, đô thị, khu công nghiệp, làng nghề, hộ kinh doanh, doanh nghiệp nhỏ và vừa

@place
Cần Thơ, Ninh Kiều, Bình Thủy, Cái Răng, Ô Môn, Thốt Nốt, Phong Điền, Cờ Đỏ,
Thới Lai, Vĩnh Thạnh, Trà Nóc, khu công nghiệp Trà Nóc, khu công nghiệp Hưng Phú,
khu công nghiệp Thốt Nốt, cụm công nghiệp Ô Môn, khu công nghiệp Sông Hậu,
Vị Thanh, Ngã Bảy, Long Mỹ, Châu Thành, Châu Thành A, Phụng Hiệp, Vị Thủy,
Sóc Trăng, Vĩnh Châu, Ngã Năm, Kế Sách, Mỹ Xuyên, Trần Đề, Long Phú, Cù Lao Dung,
Thạnh Trị, Mỹ Tú, An Khánh, Xuân Khánh, Hưng Lợi, Tân An, Thới Bình, An Hòa,
Cái Khế, Long Tuyền, Bùi Hữu Nghĩa, Thới An Đông, Long Hòa, Hưng Phú, Hưng Thạnh,
Tân Phú, Phú Thứ, Ba Láng, Thường Thạnh, Châu Văn Liêm, Thới Long, Phước Thới,
Trường Lạc, Thuận Hưng, Tân Lộc, Trung Nhứt, Thạnh Hòa, Trung Kiên, Thới Thuận,
Nhơn Ái, Nhơn Nghĩa, Mỹ Khánh, Giai Xuân, Tân Thới, Trường Long, Thạnh Phú,
Thới Hưng, Đông Hiệp, Đông Thắng, Trung An, Thới Xuân, Trường Thành, Trường Xuân,
Định Môn, Đông Bình, Xuân Thắng, Thạnh An, Thạnh Lợi, Thạnh Quới, Thạnh Mỹ,
Vĩnh Trinh, Vĩnh Bình, Hỏa Lựu, Tân Tiến, Hiệp Thành, Long Bình, Long Mỹ,
Vĩnh Tường, Tân Bình, Đại Thành, Hòa An, Búng Tàu, Cây Dương, Ngã Sáu, Mái Dầm,
Cái Tắc, Rạch Gòi, Kinh Cùng, Bảy Ngàn, Một Ngàn, Xà Phiên, Lương Tâm, Thuận Hòa,
Phương Bình, Tân Phước Hưng, Hiệp Hưng, Vĩnh Viễn, Vĩnh Thuận Đông, Lái Hiếu,
Khánh Hòa Sóc Trăng, Đại Ngãi, An Lạc Thôn, Phú Lộc, Hòa Tú, Ngọc Tố, Lịch Hội Thượng,
Trần Đề Sóc Trăng, đồng bằng sông Cửu Long, Tây Nam Bộ, miền Tây, sông Hậu,
cồn Sơn, cồn Ấu, cù lao Tân Lộc, vàm Xáng, kênh xáng Xà No, chợ nổi Phong Điền,
Bến Ninh Kiều, cảng Cái Cui, cảng Trần Đề, sân bay Cần Thơ, cầu Cần Thơ

@ben
giảm chi phí điện, giảm chi phí nhiên liệu, giảm tiêu thụ nước, giảm lượng nước thải,
giảm phát thải CO2, giảm khí nhà kính, giảm mùi hôi, giảm tiếng ồn, giảm bụi,
giảm chất thải rắn, tăng năng suất, tăng chất lượng sản phẩm, tăng tuổi thọ thiết bị,
đạt quy chuẩn xả thải, tránh bị xử phạt, cải thiện môi trường làm việc,
an toàn lao động, giảm hao hụt nguyên liệu, tận dụng phụ phẩm, tạo thu nhập thêm,
bán tín chỉ carbon, đáp ứng yêu cầu xuất khẩu, đáp ứng tiêu chuẩn xanh,
giảm thời gian sấy, giảm tổn thất sau thu hoạch, giữ màu sản phẩm, giữ hương vị,
kéo dài thời gian bảo quản, giảm sử dụng hóa chất, giảm bùn thải,
thu hồi nhiệt dư, tái sử dụng nước ngưng, giảm điện năng tiêu thụ,
giảm công suất đỉnh, ổn định điện áp, giảm sự cố, giảm thời gian dừng máy,
giảm nhân công, vận hành từ xa, theo dõi theo thời gian thực, cảnh báo sớm,
nâng cao hiệu suất lò hơi, giảm tiêu hao trấu, giảm khói đen, giảm tro bay,
tăng hiệu suất thu hồi, tăng tỷ lệ thu hồi, giảm tỷ lệ gạo gãy, tăng tỷ lệ gạo nguyên,
giảm độ ẩm đồng đều, sấy đồng đều, bảo vệ nguồn nước, bảo vệ sông Hậu,
thích ứng biến đổi khí hậu, chống xâm nhập mặn, tiết kiệm diện tích,
giảm chi phí vận hành, giảm chi phí bảo trì, hoàn vốn nhanh, được vay ưu đãi,
được hỗ trợ từ quỹ khoa học công nghệ, phù hợp doanh nghiệp nhỏ,
phù hợp hộ sản xuất, dễ nhân rộng, đạt chứng nhận xanh, nâng cao hình ảnh doanh nghiệp,
giảm phát thải metan, giảm ô nhiễm không khí, giảm ô nhiễm nguồn nước,
giảm khí thải lò đốt, xử lý triệt để mùi, loại bỏ vi khuẩn, loại bỏ kim loại nặng,
giảm COD, giảm BOD, giảm tổng nitơ, giảm tổng phốt pho, giảm chất rắn lơ lửng,
giảm độ màu, nước sau xử lý tái sử dụng được, bùn sau xử lý làm phân bón,
tro sau đốt làm vật liệu xây dựng, khí sinh học dùng đun nấu, phát điện cho trang trại

@core energy_efficiency
bộ điều tốc, hộp số hiệu suất cao, truyền động đai răng, puly tiết kiệm điện,
đèn cảm biến chuyển động, đèn LED đường phố, đèn cao áp LED, máng đèn LED,
bộ hẹn giờ chiếu sáng, rèm cách nhiệt, kính hộp cách nhiệt, sơn phản nhiệt,
mái xanh, cửa cuốn cách nhiệt, buồng đốt hiệu suất cao, béc đốt tiết kiệm dầu,
đầu đốt gas công nghiệp, đầu đốt dầu, bình tích áp, hệ thống khí nén trung tâm,
máy sấy khí tác nhân lạnh, bộ lọc khí nén, ống khí nén nhôm, van xả tự động,
máy làm lạnh nước, bồn trữ lạnh, trữ lạnh bằng đá, điều hòa VRV, máy lạnh âm trần,
bơm tuần hoàn, bơm chân không, quạt trần tiết kiệm điện, quạt công nghiệp HVLS

@core wastewater_treatment
bể Anoxic, bể Aerotank cải tiến, công nghệ AAO, công nghệ A2O, công nghệ SBR cải tiến,
lọc nhỏ giọt, đĩa quay sinh học, bể lọc kỵ khí, bể phản ứng kỵ khí IC, bể EGSB,
bể tự hoại cải tiến, bể Bastaf, bể lắng đứng, bể lắng ngang, bể lắng lamen,
tấm lắng lamella, máng răng cưa, máy khuấy chìm, máy khuấy trộn, máy sục khí bề mặt,
ống phân phối khí, bơm bùn, máy tách cát, bể lắng cát, bể trung hòa, châm axit,
châm xút, bồn pha hóa chất, bơm màng định lượng, tủ điều khiển trạm xử lý

@core solid_waste
thùng rác phân loại, xe thu gom rác, trạm trung chuyển rác, bãi chôn lấp hợp vệ sinh,
chế phẩm khử mùi rác, men ủ phân, máy băm rơm, máy cuộn rơm, máy băm cỏ,
máy nghiền vỏ dừa, máy tách xơ dừa, máy ép viên phân bón, máy sàng trống,
máy tách kim loại, thu hồi kim loại, tái chế pin, tái chế dầu nhớt, tái chế lốp xe,
tái chế thủy tinh, tái chế kim loại, nhà chứa chất thải nguy hại, kho chứa bùn

@core air_emissions
đầu phun sương, tháp phun dung dịch kiềm, lọc than hoạt tính dạng tổ ong,
đèn UV xử lý mùi, ion hóa khử mùi, màng lọc HEPA, quạt hút ly tâm,
ống gió, van gió, chụp hút khói hàn, hút khói bếp công nghiệp, lọc dầu mỡ bếp

@core renewable_energy
trụ sạc xe điện, xe điện, ghe chạy điện, xuồng chạy năng lượng mặt trời,
máy sấy lúa đốt trấu, bếp đun trấu cải tiến, bếp biogas, đèn biogas, bình nóng lạnh biogas,
tấm pin hai mặt kính, khung giàn pin, hệ thống pin mặt trời độc lập

@core monitoring_control
cảm biến mực nước, cảm biến độ đục, cảm biến độ mặn, đo độ dẫn điện,
đo TSS, đo amoni, máy đo oxy hòa tan, trạm quan trắc không khí, trạm khí tượng mini,
thẻ RFID, định vị GPS, cảm biến khói, báo cháy tự động, điều khiển bằng giọng nói

@core process_optimisation
máy đóng bao, máy may bao, máy đóng gói hút chân không, máy hàn miệng túi,
máy dán nhãn, máy in date, băng tải con lăn, băng tải inox, thang tải,
xe nâng điện, kệ kho thông minh, máy rửa chai, máy đóng nắp, máy co màng,
máy làm bánh tráng tự động, máy tráng bánh, máy ép dầu, máy ép dầu dừa,
máy nạo dừa, máy gọt vỏ, máy cắt lát, máy thái, máy xay sinh tố công nghiệp,
nồi hơi điện, nồi nấu cơm công nghiệp, tủ nấu cơm, máy sấy lạnh, máy sấy hồng ngoại,
máy sấy vi sóng, máy sấy phun, máy rang, máy rang cà phê, máy nghiền búa,
máy bóc vỏ tôm, máy phân cỡ tôm, máy đánh vảy cá, máy rửa cá

@mat
vỏ cam, vỏ chuối, lõi bắp, thân cây bắp, vỏ đậu phộng, vỏ hạt điều, bã cà phê,
bã trà, bã mì, bã thuốc bắc, lông vũ, huyết heo, ruột cá, mỡ heo, dầu ăn đã qua sử dụng,
nước muối, băng keo, màng co, màng PE, thùng phuy, pallet gỗ, pallet nhựa,
giấy nhôm, lon nhôm, chai thủy tinh, nắp chai, nhãn giấy, dây đai, cọc tràm,
tràm, đước, bần, mạt dừa, than củi, bột đá, bột than, bột sắt, nước cất

@prod
cá kèo, cá thát lát, cá linh, cá trê, cá chạch, lươn, ếch, ốc bươu, cua đồng,
tép, tôm càng xanh, nghêu, sò huyết, khô mực, khô cá sặc, bánh canh, bánh xèo,
bánh bò, bánh da lợn, nước cốt dừa, thạch dừa, dầu mè, muối ớt, tương ớt,
nước tương, bột ngọt, bún khô, miến, tàu hủ, sữa đậu nành, rượu nếp, giấm,
trà sữa, cacao, sô cô la, kem, yaourt, phô mai, bơ, mỡ nước

@adj
một pha, ba pha, điện áp thấp, điện áp cao, xoay chiều, một chiều, chống sét,
chống rung, chống tĩnh điện, chống tia UV, không gỉ, mạ kẽm nhúng nóng, sơn tĩnh điện,
cách âm, cách điện, dễ lắp đặt, dễ vệ sinh, tháo lắp nhanh, vận hành 24/7,
làm việc liên tục, chạy ban đêm, chạy ban ngày, theo mùa, quanh năm

@place
Hậu Giang, Vĩnh Long, An Giang, Kiên Giang, Đồng Tháp, Bạc Liêu, Cà Mau, Tiền Giang,
Bến Tre, Trà Vinh, Long Xuyên, Sa Đéc, Rạch Giá, Châu Đốc, Mỹ Tho, Bình Minh,
Trà Ôn, Tam Bình, Lấp Vò, Lai Vung, Chợ Mới, Thoại Sơn, Tân Hiệp, Giồng Riềng

@ben
giảm phí xả thải, giảm phí môi trường, tăng giá bán, mở rộng thị trường,
đáp ứng đơn hàng châu Âu, giảm rủi ro cháy nổ, giảm nhiệt độ nhà xưởng,
giảm tiêu hao hóa chất, giảm tiêu hao điện, nâng công suất, rút ngắn thời gian,
giảm tồn kho, giảm thất thoát, minh bạch dữ liệu, báo cáo tự động,
đáp ứng kiểm kê khí nhà kính, phục vụ báo cáo ESG, giảm dấu chân carbon,
tăng độ bền sản phẩm, tăng độ trắng gạo, giữ độ giòn, giảm thời gian nấu
$vocab$, E'\n') WITH ORDINALITY AS x(l, n)),
s AS (
	SELECT l, n, count(*) FILTER (WHERE l LIKE '@%') OVER (ORDER BY n) AS sec
	FROM l WHERE l <> ''),
h AS (
	SELECT sec, split_part(substr(l, 2), ' ', 1) AS kind,
	    nullif(split_part(substr(l, 2), ' ', 2), '') AS tag
	FROM s WHERE l LIKE '@%'),
p AS (
	SELECT DISTINCT ON (h.kind, btrim(u.p)) h.kind, h.tag, btrim(u.p) AS phrase,
	    s.n, u.o
	FROM s JOIN h USING (sec),
	    unnest(string_to_array(s.l, ',')) WITH ORDINALITY AS u(p, o)
	WHERE s.l NOT LIKE '@%' AND btrim(u.p) <> ''
	ORDER BY h.kind, btrim(u.p), s.n, u.o)
SELECT kind, tag, phrase,
    row_number() OVER (PARTITION BY kind ORDER BY n, o)::int AS rank,
    string_to_array(phrase, ' ') AS words
FROM p;
CREATE INDEX ON vv_vocab (kind, rank);
ANALYZE vv_vocab;

CREATE TEMP TABLE vv_kinds ON COMMIT DROP AS
SELECT kind, count(*)::int AS k FROM vv_vocab GROUP BY kind;

-- Vendors: quotas skewed towards small ones (1 to 500 listings), as many
-- as :n needs; the last one takes what remains. Places are Can Tho
-- communes, some (listed first: the old city's) more often than others.
CREATE TEMP TABLE vv_communes ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY d.sort_order, c.code)::int AS i, c.code
FROM communes c JOIN districts d ON d.code = c.district;

CREATE TEMP TABLE vv_vendors ON COMMIT DROP AS
WITH q AS (
	SELECT i, 1 + floor(499 * power(random(), 4))::int AS quota,
	    random() AS rc, random() AS rs, random() AS rv
	FROM generate_series(1, :n) i),
c AS (
	SELECT q.*, sum(quota) OVER (ORDER BY i) - quota AS before FROM q)
SELECT i, before + 1 AS first_row, least(before + quota, :n) AS last_row,
    rc, rs, rv
FROM c WHERE before < :n;

DELETE FROM technologies WHERE vendor_id IN (SELECT id FROM organizations
    WHERE id::text LIKE '00000000-0000-4000-a000-%' AND tax_code LIKE '0999%');
DELETE FROM organizations
WHERE id::text LIKE '00000000-0000-4000-a000-%' AND tax_code LIKE '0999%';

INSERT INTO organizations (id, kind, name, tax_code, commune, sector,
    verified)
SELECT ('00000000-0000-4000-a000-' || lpad(to_hex(v.i), 12, '0'))::uuid,
    'vendor',
    (ARRAY['Công ty TNHH', 'Công ty cổ phần', 'Doanh nghiệp tư nhân',
	'Hợp tác xã', 'Công ty TNHH MTV'])[1 + v.i % 5] || ' thử tải đa dạng ' ||
	v.i,
    '0999' || lpad(v.i::text, 6, '0'),
    (SELECT code FROM vv_communes
	WHERE i = 1 + floor(power(v.rc, 2) * (SELECT count(*) FROM vv_communes))::int),
    (SELECT code FROM sectors ORDER BY code
	OFFSET floor(v.rs * 10)::int LIMIT 1),
    v.rv < 0.4
FROM vv_vendors v;

-- One row of draws per listing. A Zipf-like pick among a kind's k
-- entries: floor(exp(u * ln(k + 1))) takes rank i with probability
-- ln((i + 1) / i) / ln(k + 1), about 1 / (i ln k).
CREATE TEMP TABLE vv_pick ON COMMIT DROP AS
WITH k AS (
	SELECT max(k) FILTER (WHERE kind = 'head') AS head,
	    max(k) FILTER (WHERE kind = 'core') AS core,
	    max(k) FILTER (WHERE kind = 'mat') AS mat,
	    max(k) FILTER (WHERE kind = 'ind') AS ind,
	    max(k) FILTER (WHERE kind = 'prod') AS prod,
	    max(k) FILTER (WHERE kind = 'adj') AS adj,
	    max(k) FILTER (WHERE kind = 'place') AS place,
	    max(k) FILTER (WHERE kind = 'ben') AS ben
	FROM vv_kinds)
SELECT g, v.i AS vendor,
    least(k.head, floor(exp(random() * ln(k.head + 1)))::int) AS head,
    least(k.core, floor(exp(random() * ln(k.core + 1)))::int) AS core,
    least(k.core, floor(exp(random() * ln(k.core + 1)))::int) AS core2,
    least(k.mat, floor(exp(random() * ln(k.mat + 1)))::int) AS mat,
    least(k.ind, floor(exp(random() * ln(k.ind + 1)))::int) AS ind,
    least(k.prod, floor(exp(random() * ln(k.prod + 1)))::int) AS prod,
    least(k.adj, floor(exp(random() * ln(k.adj + 1)))::int) AS adj,
    least(k.adj, floor(exp(random() * ln(k.adj + 1)))::int) AS adj2,
    least(k.place, floor(exp(random() * ln(k.place + 1)))::int) AS place,
    least(k.ben, floor(exp(random() * ln(k.ben + 1)))::int) AS ben,
    least(k.ben, floor(exp(random() * ln(k.ben + 1)))::int) AS ben2,
    random() AS r_shape, random() AS r_opt1, random() AS r_opt2,
    random() AS r_opt3, random() AS r_opt4, random() AS r_split,
    random() AS r_status, random() AS r_age, random() AS r_pub,
    random() AS r_num, random() AS r_sec, random() AS r_year
FROM vv_vendors v, generate_series(v.first_row, v.last_row) g, k;

-- The parts of each listing's text. shape: 'a' the core phrase stands
-- whole in the title (half the rows); 'b' its words are split around the
-- rest of the title; 'c' the title holds its first words, the summary
-- and description the others.
CREATE TEMP TABLE vv_parts ON COMMIT DROP AS
SELECT p.*, c.tag AS category, i.tag AS sector, c.phrase AS core_phrase,
    c.words AS core_words, c2.phrase AS core2_phrase, h.phrase AS head_phrase,
    m.phrase AS mat_phrase, i.phrase AS ind_phrase, pr.phrase AS prod_phrase,
    a.phrase AS adj_phrase, a2.phrase AS adj2_phrase,
    pl.phrase AS place_phrase, b.phrase AS ben_phrase, b2.phrase AS ben2_phrase,
    CASE WHEN cardinality(c.words) < 2 OR p.r_shape < 0.5 THEN 'a'
	WHEN p.r_shape < 0.75 THEN 'b' ELSE 'c' END AS shape,
    1 + floor(p.r_split * (cardinality(c.words) - 1))::int AS cut
FROM vv_pick p
JOIN vv_vocab h ON h.kind = 'head' AND h.rank = p.head
JOIN vv_vocab c ON c.kind = 'core' AND c.rank = p.core
JOIN vv_vocab c2 ON c2.kind = 'core' AND c2.rank = p.core2
JOIN vv_vocab m ON m.kind = 'mat' AND m.rank = p.mat
JOIN vv_vocab i ON i.kind = 'ind' AND i.rank = p.ind
JOIN vv_vocab pr ON pr.kind = 'prod' AND pr.rank = p.prod
JOIN vv_vocab a ON a.kind = 'adj' AND a.rank = p.adj
JOIN vv_vocab a2 ON a2.kind = 'adj' AND a2.rank = p.adj2
JOIN vv_vocab pl ON pl.kind = 'place' AND pl.rank = p.place
JOIN vv_vocab b ON b.kind = 'ben' AND b.rank = p.ben
JOIN vv_vocab b2 ON b2.kind = 'ben' AND b2.rank = p.ben2;

CREATE TEMP TABLE vv_text ON COMMIT DROP AS
WITH t AS (
	SELECT x.*,
	    array_to_string(core_words[1:cut], ' ') AS core_head,
	    array_to_string(core_words[cut + 1:], ' ') AS core_tail
	FROM vv_parts x),
raw AS (
	SELECT t.*, concat_ws(' ',
	    CASE WHEN r_opt1 < 0.85 THEN head_phrase END,
	    CASE shape WHEN 'a' THEN core_phrase ELSE core_head END,
	    CASE WHEN r_opt2 < 0.35 THEN 'từ ' || mat_phrase
		WHEN r_opt2 < 0.5 THEN 'bằng ' || mat_phrase END,
	    CASE WHEN r_opt3 < 0.6 THEN 'cho ' || ind_phrase
		WHEN r_opt3 < 0.75 THEN 'sản xuất ' || prod_phrase END,
	    CASE WHEN shape = 'b' THEN core_tail END,
	    CASE WHEN r_opt4 < 0.45 THEN adj_phrase END,
	    CASE WHEN r_opt4 > 0.8 THEN 'kết hợp ' || core2_phrase END,
	    CASE WHEN r_opt1 > 0.9 THEN 'tại ' || place_phrase END,
	    CASE WHEN r_opt2 > 0.85 THEN adj2_phrase END) AS title_raw
	FROM t),
w AS (
	SELECT raw.*, regexp_split_to_array(title_raw, ' ') AS tw FROM raw)
SELECT w.*,
    array_to_string(CASE
	WHEN cardinality(tw) < 4 THEN tw || string_to_array(adj2_phrase
	    || ' ' || ben_phrase, ' ')
	ELSE tw END, ' ') AS title_long
FROM w;

INSERT INTO technologies (vendor_id, title, summary, description,
    category, sectors, trl, price_min_vnd, price_max_vnd,
    energy_saving_pct, water_saving_pct, waste_reduction_pct,
    co2_reduction_tonnes_per_year, status, created_at, updated_at,
    published_at)
SELECT ('00000000-0000-4000-a000-' || lpad(to_hex(x.vendor), 12, '0'))::uuid,
    upper(left(x.title, 1)) || substr(x.title, 2),
    left(concat_ws(' ',
	upper(left(x.head_phrase, 1)) || substr(x.head_phrase, 2),
	CASE x.shape WHEN 'c' THEN x.core_tail ELSE x.core_phrase END,
	'giúp', x.ben_phrase, 'và', x.ben2_phrase,
	CASE WHEN x.r_opt3 < 0.6 THEN 'cho ' || x.ind_phrase END,
	CASE WHEN x.r_opt2 < 0.5 THEN 'sử dụng ' || x.mat_phrase END) || '.',
	1000),
    left(concat_ws(' ',
	'Giải pháp', x.core2_phrase, 'dùng', x.mat_phrase, 'phù hợp với',
	x.ind_phrase, 'sản xuất', x.prod_phrase || '.',
	CASE x.shape WHEN 'a' THEN 'Thiết kế ' || x.adj_phrase || ', '
	    || x.ben2_phrase || '.'
	    ELSE 'Phần ' || x.core_tail || ' đi kèm ' || x.adj2_phrase
	    || ', lắp cùng ' || x.core_head || '.' END,
	'Đã lắp đặt tại', x.place_phrase, 'năm', (2019 + floor(x.r_year * 7))::int
	    || ',', 'bảo hành', (6 + 6 * floor(x.r_num * 8))::int || ' tháng.'),
	20000),
    x.category,
    CASE WHEN x.r_sec < 0.15 THEN ARRAY[x.sector, (SELECT code FROM sectors
	ORDER BY code OFFSET floor(x.r_pub * 10)::int LIMIT 1)]
	ELSE ARRAY[x.sector] END,
    1 + floor(x.r_num * 9)::int,
    (50 + floor(x.r_age * x.r_num * 8000)::bigint) * 1000000,
    (50 + floor(x.r_age * x.r_num * 8000)::bigint
	+ floor(x.r_sec * 3000)::bigint) * 1000000,
    CASE WHEN x.category IN ('energy_efficiency', 'renewable_energy',
	'process_optimisation') THEN 5 + floor(x.r_split * 45)::int END,
    CASE WHEN x.category IN ('water_saving', 'wastewater_treatment')
	THEN 5 + floor(x.r_split * 60)::int END,
    CASE WHEN x.category IN ('solid_waste', 'material_substitution')
	THEN 5 + floor(x.r_split * 70)::int END,
    CASE WHEN x.r_year < 0.5 THEN floor(x.r_year * 4000)::bigint END,
    CASE WHEN x.r_status < 0.06 THEN 'draft'
	WHEN x.r_status < 0.10 THEN 'archived' ELSE 'published' END,
    x.created_at, least(now(), x.created_at + make_interval(days =>
	floor(x.r_pub * 40)::int)),
    CASE WHEN x.r_status >= 0.06 THEN x.created_at
	+ make_interval(hours => floor(x.r_pub * 72)::int) END
FROM (
	SELECT v.*,
	    array_to_string(CASE WHEN cardinality(v.tw2) > 20 THEN v.tw2[1:20]
		ELSE v.tw2 END, ' ') AS title,
	    now() - make_interval(secs => x2.age) AS created_at
	FROM (SELECT t.*, string_to_array(t.title_long, ' ') AS tw2
	    FROM vv_text t) v,
	    LATERAL (SELECT (4 * 86400 + v.r_age * 5 * 365.25 * 86400)::float8
		AS age) x2
) x;

COMMIT;

ANALYZE technologies;
