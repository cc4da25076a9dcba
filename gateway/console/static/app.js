// metrotrace console: plain JavaScript, no dependencies, no build step.
//
// Views are chosen by the URL hash (#/trace/ID?at=…), so every answer can
// be bookmarked and linked. Every request goes to the JSON API under
// /api/v1 with the bearer token kept in localStorage. Text from the API is
// always inserted as text nodes, never as HTML.
(function () {
  'use strict';

  var API = 'api/v1';
  // MT is shared with the console's other scripts (pages.js, supervision.js).
  var MT = window.MT = window.MT || {recordExtras: {}};
  var TOKEN_KEY = 'metrotrace.token';
  var LANG_KEY = 'metrotrace.lang';

  // ---- language ------------------------------------------------------------

  // LANG is the console's language, zh (the default) or en, remembered in
  // localStorage. Static labels in index.html come in both languages
  // (.zh / .en) and the stylesheet shows one; labels built here ask T.
  var LANG = (function () {
    try { return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh'; } catch (e) { return 'zh'; }
  }());
  function T(zh, en) { return LANG === 'en' ? en : zh; }
  function applyLang() {
    document.documentElement.setAttribute('lang', LANG === 'en' ? 'en' : 'zh-CN');
    document.documentElement.setAttribute('data-lang', LANG);
    document.querySelectorAll('[data-placeholder-' + LANG + ']').forEach(function (el) {
      el.setAttribute('placeholder', el.getAttribute('data-placeholder-' + LANG));
    });
    var b = document.getElementById('lang-button');
    if (b) { b.textContent = LANG === 'en' ? '中文' : 'EN'; b.setAttribute('data-lang', LANG); }
  }
  function setLang(lang) {
    LANG = lang === 'en' ? 'en' : 'zh';
    try { localStorage.setItem(LANG_KEY, LANG); } catch (e) { /* private mode */ }
    applyLang();
  }

  // ---- labels -------------------------------------------------------------

  // The server's vocabulary (GET /api/v1/vocabulary): record kinds with
  // their plural routes, roles, regions. Loaded before the first render.
  var VOCAB = {kinds: [], roles: []};
  // Plural API path of each doc_type, from VOCAB.
  var PLURAL = {};
  var KIND_LABEL = {
    institutions: ['机构', 'Institution'], capabilities: ['校准测量能力', 'Capability'],
    standards: ['计量标准', 'Standard'], instruments: ['计量器具', 'Instrument'],
    certificates: ['检定/校准证书', 'Certificate'], comparisons: ['比对', 'Comparison'],
    agreements: ['互认协议', 'Agreement'], subjects: ['器具或标准', 'Subject']
  };
  var CHECK_LABEL = {
    certificate_valid: ['证书有效', 'certificate valid'],
    reference_active_at_use: ['使用时参考标准在用', 'reference active at use'],
    reference_certificate_valid_at_use: ['使用时参考标准证书有效', 'reference certificate valid at use'],
    approval_valid_at_use: ['使用时标准考核证书有效', 'approval valid at use'],
    issuer_capable: ['出具机构具备校准测量能力', 'issuer capable (CMC)'],
    uncertainty_ratio: ['不确定度比满足要求', 'uncertainty ratio'],
    no_cycle: ['无循环溯源', 'no cycle'],
    reaches_primary: ['溯源至计量基准', 'reaches a primary standard'],
    agreement_in_force: ['互认协议有效且覆盖', 'agreement in force'],
    issuer_accredited: ['出具机构获认可', 'issuer accredited'],
    comparison_satisfactory: ['比对结果满意 |En| ≤ 1', 'comparison satisfactory'],
    traceable: ['被校对象可溯源', 'subject traceable']
  };
  var FIELD_LABEL = {
    id: ['编号', 'id'], doc_type: ['类型', 'doc type'], name: ['名称', 'name'], region: ['地区', 'region'],
    msp_id: ['组织 MSP', 'MSP id'], kind: ['类别', 'kind'], accreditations: ['认可', 'accreditations'],
    institution_id: ['所属机构', 'institution'], quantity: ['量', 'quantity'], quantities: ['量', 'quantities'],
    range: ['测量范围', 'range'], uncertainty: ['扩展不确定度', 'expanded uncertainty'], method: ['方法/规程', 'method'],
    valid_until: ['有效期至', 'valid until'], valid_from: ['生效日期', 'valid from'], level: ['等级', 'level'],
    approval: ['计量标准考核证书', 'approval'], status: ['状态', 'status'], status_since: ['状态起始', 'status since'],
    status_reason: ['状态原因', 'status reason'], status_history: ['状态历史', 'status history'],
    type: ['器具类型', 'type'], manufacturer: ['制造商', 'manufacturer'], model: ['型号', 'model'],
    serial: ['出厂编号', 'serial'], mpe: ['最大允许误差', 'MPE'], compulsory: ['强制检定', 'compulsory verification'],
    issuer_id: ['出具机构', 'issuer'], subject_id: ['被检/被校对象', 'subject'], reference_ids: ['所用计量标准', 'reference standards'],
    performed_on: ['检定/校准日期', 'performed on'], results: ['结果', 'results'], conformity: ['检定结论', 'conformity'],
    dcc_sha256: ['DCC SHA-256', 'DCC SHA-256'], superseded_by: ['被替代为', 'superseded by'],
    pilot_id: ['主导实验室', 'pilot'], completed_on: ['完成日期', 'completed on'], reference: ['参考值', 'reference value'],
    parties: ['协议方', 'parties'], requires_accreditation: ['要求认可', 'requires accreditation'],
    comparison_within_years: ['比对有效年限', 'comparison within (years)'], approvals: ['已批准方', 'approved by'],
    proposed_by: ['提议方', 'proposed by'], scheme: ['认可体系', 'scheme'], number: ['证书号', 'number'],
    en: ['En 值', 'En'], value: ['值', 'value'], unit: ['单位', 'unit'], since: ['起始', 'since'], reason: ['原因', 'reason']
  };
  // Fields whose values are ids of records, with the plural they live under.
  var ID_FIELDS = {
    institution_id: 'institutions', issuer_id: 'institutions', pilot_id: 'institutions', proposed_by: 'institutions',
    parties: 'institutions', approvals: 'institutions', subject_id: 'subjects', reference_ids: 'standards',
    superseded_by: 'certificates'
  };
  var LEVEL_LABEL = {
    primary: ['计量基准', 'primary'], public: ['社会公用', 'public'], department: ['部门', 'department'],
    enterprise: ['企事业', 'enterprise'], working: ['工作', 'working']
  };
  // VALUE_LABEL names the enum values of the records and answers in
  // Chinese; English shows the value itself.
  var VALUE_LABEL = {
    status: {active: '在用', sealed: '封存', revoked: '撤销', valid: '有效', expired: '已过期', superseded: '已被替代',
      altered: '已篡改', not_anchored: '未锚定', open: '处理中', closed: '已结案'},
    conformity: {pass: '合格', fail: '不合格'},
    quantity: {mass: '质量', length: '长度', temperature: '温度', pressure: '压力', force: '力', volume: '容量',
      time: '时间', frequency: '频率', voltage: '电压', current: '电流', resistance: '电阻', flow: '流量',
      torque: '扭矩', hardness: '硬度', density: '密度', humidity: '湿度', power: '功率', energy: '能量',
      absorbed_dose: '吸收剂量', absorbed_dose_rate: '吸收剂量率', acceleration: '加速度', air_kerma: '空气比释动能',
      amount_of_substance: '物质的量', angle: '角度', angular_velocity: '角速度', area: '面积', capacitance: '电容',
      catalytic_activity: '催化活性', charge: '电荷', concentration: '浓度', conductance: '电导', dose_equivalent: '剂量当量',
      dose_equivalent_rate: '剂量当量率', electric_energy: '电能', flow_rate: '流量', heat_energy: '热能', illuminance: '照度',
      inductance: '电感', luminance: '亮度', luminous_flux: '光通量', luminous_intensity: '发光强度', magnetic_flux: '磁通量',
      magnetic_flux_density: '磁通密度', mass_concentration: '质量浓度', mass_flow_rate: '质量流量', moisture_content: '水分',
      radioactivity: '放射性活度', refractive_power: '屈光度', solid_angle: '立体角', sound_level: '声级', speed: '速度',
      plane_angle: '平面角'},
    kind: {calibration: '校准', verification: '检定', legal_metrology: '法定计量检定机构',
      national_institute: '国家计量院', authorized_station: '授权计量站', accredited_lab: '获认可实验室', enterprise: '企业'},
    region: {BJ: '北京', TJ: '天津', HB: '河北'},
    scheme: {CNAS: 'CNAS'},
    issuer: {manufacturer: '制造商', calibrationLaboratory: '校准实验室', owner: '所有者', other: '其他'}
  };
  VALUE_LABEL.quantities = VALUE_LABEL.quantity;
  // VALUE_LABEL_EN names in English the values whose code is no English
  // word as it stands; any other value reads with its underscores as
  // spaces (plane_angle: plane angle).
  var VALUE_LABEL_EN = {
    status: {not_anchored: 'not anchored'},
    kind: {legal_metrology: 'legal metrology institution', national_institute: 'national metrology institute',
      authorized_station: 'authorized metrology station', accredited_lab: 'accredited laboratory'},
    region: {BJ: 'Beijing', TJ: 'Tianjin', HB: 'Hebei'},
    issuer: {calibrationLaboratory: 'calibration laboratory'}
  };
  function valueLabel(key, v) {
    if (typeof v !== 'string') return v;
    var m;
    if (LANG === 'en') {
      m = VALUE_LABEL_EN[key];
      if (m && m[v]) return m[v];
      // A value of a vocabulary that says its own English name (the
      // catalogue's categories) reads with it.
      m = VALUE_LABEL_EN_OF[key] && VALUE_LABEL_EN_OF[key]();
      if (m && m[v]) return m[v];
      return VALUE_LABEL[key] && VALUE_LABEL[key][v] !== undefined ? v.replace(/_/g, ' ') : v;
    }
    m = VALUE_LABEL[key];
    return (m && m[v]) || v;
  }
  // roleLabel names a token's role: in zh with the role's name the
  // gateway knows it by, which a user types into other tools.
  var ROLE_LABEL = {recorder: '记录员', inspector: '监督检查员', operator: '运维管理员'};
  function roleLabel(r) { return r && LANG !== 'en' && ROLE_LABEL[r] ? ROLE_LABEL[r] + '（' + r + '）' : (r || ''); }
  // VALUE_LABEL_EN_OF gives, by key, English names that come with the
  // server's vocabulary (pages.js adds the catalogue's).
  var VALUE_LABEL_EN_OF = {};

  // ---- error messages ------------------------------------------------------------

  // ERROR_LABEL names each class of error (the answer's code).
  var ERROR_LABEL = {
    invalid: ['请求有误', 'invalid request'], not_found: ['未找到', 'not found'], conflict: ['冲突', 'conflict'],
    forbidden: ['无权操作', 'forbidden'], unauthorized: ['未授权', 'unauthorized'], internal: ['内部错误', 'internal error'],
    ledger_error: ['账本错误', 'ledger error'], unavailable: ['暂不可用', 'unavailable'], timeout: ['超时', 'timeout'],
    payload_too_large: ['请求过大', 'payload too large'], unsupported_media_type: ['内容类型不支持', 'unsupported media type'],
    rate_limited: ['请求过于频繁', 'rate limited'], network: ['网络错误', 'network error'], console: ['控制台错误', 'console error'],
    bad_answer: ['网关应答无法解析', 'bad answer']
  };
  function errorLabel(code) { var l = ERROR_LABEL[code]; return l ? T(l[0], l[1]) : code; }
  // FIELD_MESSAGES composes each field error code (record.FieldCodes) as
  // [zh, en] from its params: {name} is a parameter as sent, {name:key} a
  // parameter named in the language (key field: a field path; level;
  // otherwise a VALUE_LABEL key). The table is JSON: a Go test checks it
  // has both sentences of every code the gateway may send.
  // BEGIN FIELD_MESSAGES
  var FIELD_MESSAGES = {
    "required": ["{field:field}为必填项", "{field} is required"],
    "required_one_of": ["{field:field}为必填项（可选：{allowed:values}）", "{field} is required (one of {allowed})"],
    "not_one_of": ["{field:field}“{value}”不是可选值（{allowed:values}）之一", "{field} \"{value}\" is not one of {allowed}"],
    "bad_id": ["{field:field}“{value}”不是有效编号（1–64 个 A-Z a-z 0-9 . _ - 字符，以字母或数字开头）", "{field} \"{value}\" is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)"],
    "doc_type_mismatch": ["记录类型“{value}”与“{want}”不符", "doc_type \"{value}\" does not match \"{want}\""],
    "duplicate": ["{field:field}中“{value}”出现了两次", "{field} lists \"{value}\" twice"],
    "json_type": ["字段 {field} 的类型应为 {want}，不能是 {got}", "field \"{field}\" must be {want}, not {got}"],
    "json_unknown_field": ["未知字段 {field}", "unknown field \"{field}\""],
    "json_too_deep": ["JSON 格式错误：{field} 嵌套超过 {max} 层", "malformed JSON: {field} nests deeper than {max} levels"],
    "json_key_not_utf8": ["JSON 格式错误：{field} 中有字段名不是有效的 UTF-8", "malformed JSON: a key in {field} is not valid UTF-8"],
    "json_twice": ["JSON 格式错误：字段 {field} 出现了两次", "malformed JSON: field \"{field}\" is given twice"],
    "json_syntax": ["JSON 格式错误（第 {offset} 字节处：{reason}）", "malformed JSON: {reason} at byte {offset}"],
    "json_truncated": ["JSON 格式错误：内容不完整", "malformed JSON: unexpected end of the document"],
    "json_empty": ["请求体为空", "malformed JSON: empty input"],
    "json_trailing": ["JSON 格式错误：JSON 值之后还有多余内容", "malformed JSON: unexpected data after the JSON value"],
    "not_utf8": ["{field:field}不是有效的 UTF-8 文本", "{field} is not valid UTF-8 text"],
    "bad_date": ["{field:field}“{value}”不是有效日期（YYYY-MM-DD）", "{field}: date \"{value}\" is not a valid YYYY-MM-DD date"],
    "implausible_date": ["{field:field} {value} 不是合理的日期（年份须在 {min} 至 {max} 之间）", "{field} {value} is not a plausible date (years {min} to {max})"],
    "after_today": ["{field:field} {value} 晚于交易日期 {today}", "{field} {value} is after the transaction's date {today}"],
    "date_before": ["{field:field} {value} 早于{other_field:field} {other}", "{field} {value} is before {other_field} {other}"],
    "district_required": ["{field:field}为必填项（GB/T 2260 六位行政区划代码）", "{field} is required (a GB/T 2260 six-digit code)"],
    "bad_district": ["{field:field}“{value}”不是六位 GB/T 2260 行政区划代码", "{field} \"{value}\" is not a GB/T 2260 code of six digits"],
    "district_outside": ["{field:field}“{value}”不在北京（11xxxx）、天津（12xxxx）或河北（13xxxx）", "{field} \"{value}\" is outside Beijing (11xxxx), Tianjin (12xxxx) and Hebei (13xxxx)"],
    "not_finite": ["{field:field}须为有限数值", "{field} must be a finite number"],
    "not_positive": ["{field:field}须为正数，实为 {value}", "{field} must be positive, got {value}"],
    "negative": ["{field:field}不能为负（{quantity:quantity}没有负值），实为 {value}", "{field} must not be negative: {quantity} is a magnitude, got {value}"],
    "coverage_factor": ["{field:field}须为 {min} 至 {max} 之间的包含因子，实为 {value}", "{field} must be a coverage factor between {min} and {max}, got {value}"],
    "relative_unit": ["{field:field}：相对不确定度的单位须为空、“%”或“ppm”，实为“{value}”", "{field} of a relative uncertainty must be \"\", \"%\" or \"ppm\", got \"{value}\""],
    "unit_or_relative": ["{field:field}为必填项（或设为相对不确定度）", "{field} is required (or set relative: true)"],
    "min_above_max": ["{field:field}：下限 {min} 大于上限 {max}", "{field}: min {min} is greater than max {max}"],
    "bad_unit": ["{field:field}：“{value}”不是可识别的单位（{reason}）", "{field}: {reason}"],
    "unit_not_of_quantity": ["{field:field}：单位“{value}”测量的是{measures:quantity}，不是{quantity:quantity}", "{field}: unit \"{value}\" measures {measures}, not {quantity}"],
    "unknown_quantity": ["{field:field}“{value}”不是已知的量", "{field} \"{value}\" is not a known quantity"],
    "unknown_quantity_listed": ["{field:field}中有未知的量“{value}”", "{field}: unknown quantity \"{value}\""],
    "no_quantities": ["{field:field}至少须列出一个量", "{field} must name at least one quantity"],
    "too_few_parties": ["{field:field}至少须有 {min} 个机构", "{field} must name at least {min} institutions"],
    "out_of_range": ["{field:field}须在 {min} 至 {max} 之间，实为 {value}", "{field} must be from {min} to {max}, got {value}"],
    "set_by_ledger": ["{field:field}由{by:by}设定，不在此提交", "{field} is set by {by:by}, not sent here"],
    "no_references": ["{field:field}至少须列出一个参考计量标准", "{field} must name at least one reference standard"],
    "references_subject": ["证书 {id} 把自己的被校对象 {value} 列为参考标准", "certificate {id} references its own subject {value}"],
    "no_results": ["校准证书至少须有一个结果", "a calibration certificate needs at least one result"],
    "uncertainty_required": ["校准结果须给出扩展不确定度（{field}）", "{field} is required on a calibration result"],
    "uncertainty_for_en": ["计算 En 值需要扩展不确定度（{field}）", "{field} is required to compute En"],
    "computed": ["{field} 由链码计算，请勿提交", "{field} is computed by the chaincode; do not send it"],
    "conformity_only_verification": ["检定结论只用于检定证书", "conformity is only stated on a verification certificate"],
    "bad_sha256": ["{field:field}须为 64 位小写十六进制数字", "{field} must be 64 lowercase hex digits"],
    "c14n_without_sha256": ["给出 dcc_c14n_sha256 时须同时给出 dcc_sha256", "dcc_c14n_sha256 is the canonical digest of the DCC dcc_sha256 anchors; set both"],
    "supersedes_pair": ["supersedes 与 previous_dcc_sha256 须同时给出：被替代的证书及其 DCC 的 SHA-256", "supersedes and previous_dcc_sha256 go together: the certificate replaced and the SHA-256 of its DCC"],
    "supersedes_itself": ["证书 {id} 不能替代自身", "certificate {id} cannot supersede itself"],
    "new_must_be_valid": ["新证书须为有效状态，撤销或替代在登记之后进行", "a new certificate must be valid; revoke or supersede it afterwards"],
    "unknown_category": ["{field:field}“{value}”不在强制管理的计量器具目录中（例如 {examples}）", "{field} \"{value}\" is not a code of the catalogue of compulsorily managed measuring instruments (e.g. {examples})"],
    "category_required": ["强制检定的器具须填写强检目录类别（例如 {example}）", "{field} is required for a compulsory instrument: a code of the catalogue, e.g. {example}"],
    "approval_required": ["{level:level}计量标准须有计量标准考核证书", "approval is required for a {level:level} standard"],
    "too_many": ["{field:field}有 {count} 项，多于上限 {max}", "{field} holds {count} entries, more than {max}"],
    "bad_identification": ["{field:field}“{value}”须不超过 256 个字符，且首尾无空格、无控制字符", "{field} \"{value}\" must be at most 256 characters without leading or trailing spaces or control characters"],
    "duplicate_identification": ["标识（{issuer:issuer}）“{value}”出现了两次", "identifications lists {issuer} \"{value}\" twice"],
    "reason_required": ["须填写原因（{id}）", "a reason is required ({id})"],
    "record_not_found": ["{kind:record_kind} {id} 不存在", "{kind:record_kind} {id} does not exist"],
    "subject_not_found": ["被检/被校对象 {id} 既不是已登记的计量标准，也不是计量器具", "subject {id} is neither a registered standard nor an instrument"],
    "quantity_mismatch": ["{kind:record_kind} {id} 测量的是{measures:quantity}，而证书是{quantity:quantity}证书", "{kind:record_kind} {id} measures {measures}, the certificate is for {quantity}"],
    "subject_no_mpe": ["检定需要被检对象的最大允许误差，{id} 没有", "a verification needs the subject's MPE; {id} has none"],
    "before_last_change": ["{field:field} {value} 早于计量标准 {id} 上一次状态变更的日期 {last}", "{field} {value} is before the last status change of {id} on {last}"],
    "replacement_self": ["替代证书须是另一张新证书，不能是 {id} 本身", "the replacement must be a new certificate, not {id} itself"],
    "replacement_subject": ["替代证书 {id} 的对象是 {subject}，不是 {want}", "replacement {id} is about {subject}, not {want}"],
    "replacement_not_after": ["替代证书 {id} 的检定/校准日期 {performed_on} 不晚于 {since}", "replacement {id} was performed on {performed_on}, not after {since}"],
    "replacement_not_valid": ["替代证书 {id} 今日无效（{status:status}，{performed_on} 至 {valid_until}）", "replacement {id} is not valid today ({status:status}, {performed_on} to {valid_until})"],
    "replacement_not_traceable": ["{subject} 经替代证书 {id} 今日仍不可溯源：{problems}", "{subject} is not traceable today through {id}: {problems}"],
    "replacement_required": ["处理方式为重新检定/校准时须填写新证书编号", "{action:action} names the new certificate (replacement_id)"],
    "replacement_not_wanted": ["只有重新检定/校准时才填写新证书编号", "replacement_id is only given with recalibrated, not {action:action}"],
    "previous_not_anchored": ["证书 {id} 没有锚定 SHA-256 为 {value} 的 DCC（previous_dcc_sha256）", "certificate {id} does not anchor a DCC of SHA-256 {value} (previous_dcc_sha256)"],
    "previous_subject": ["被替代的证书 {id} 的对象是 {subject}，不是 {want}", "previous certificate {id} is about {subject}, not {want}"],
    "not_pem_certificate": ["{field:field}不是 PEM 格式的 CERTIFICATE 块", "{field} is not a PEM CERTIFICATE block"],
    "pem_more_blocks": ["{field:field}含有多个 PEM 块；CA 证书请放入证书链（chain）", "{field} holds more than one PEM block; put CA certificates in chain"],
    "x509_invalid": ["{field:field}不是有效的 X.509 证书：{detail}", "{field}: {detail}"],
    "chain_not_signed": ["{field:field}（{subject}）没有签发 {below}：{detail}", "{field} ({subject}) did not sign {below}: {detail}"],
    "derived_mismatch": ["{field:field}“{value}”与证书中的“{want}”不符", "{field} \"{value}\" does not match the certificate's \"{want}\""],
    "active_no_revocation": ["有效的签名证书不能有撤销日期或撤销原因", "an active signing certificate has no revoked_on or revocation_reason"],
    "schema": ["{field:field}不符合接口定义：{rule:rule}", "{field} does not match the API: {rule:rule}"],
    "already_exists": ["{kind:record_kind} {id} 已存在", "{kind:record_kind} {id} already exists"],
    "standard_new_active": ["新登记的计量标准 {id} 须为在用状态；请在登记后用状态变更修改", "register standard {id}: a new standard is active; change its status with SetStandardStatus"],
    "signing_new_active": ["新登记的签名证书 {id} 须为有效状态；请在登记后撤销", "register signing certificate {id}: a new signing certificate is active; revoke it afterwards"],
    "signing_duplicate": ["签名证书 {id}：该证书（SHA-256 {digest}）已由 {other} 登记", "register signing certificate {id}: {other} already registers this certificate (SHA-256 {digest})"],
    "signing_revoked": ["签名证书 {id} 已于 {on} 撤销", "signing certificate {id} was revoked on {on}"],
    "batch_twice": ["{kind:record_kind} {id} 同时是本批次的第 {index} 项", "{kind:record_kind} {id} is also item {index} of this batch"],
    "dcc_anchored": ["证书 {id}：DCC {digest} 已由证书 {other} 锚定", "issue certificate {id}: DCC {digest} is already anchored by certificate {other}"],
    "dcc_anchored_in_batch": ["证书 {id}：DCC {digest} 也由本批次的证书 {other} 锚定", "issue certificate {id}: DCC {digest} is also anchored by certificate {other} of this batch"],
    "dcc_form_anchored": ["证书 {id}：规范形式相同的 DCC（SHA-256 {digest}）已由证书 {other} 锚定", "issue certificate {id}: a DCC of the same canonical form (SHA-256 {digest}) is already anchored by certificate {other}"],
    "dcc_form_anchored_in_batch": ["证书 {id}：规范形式相同的 DCC（SHA-256 {digest}）也由本批次的证书 {other} 锚定", "issue certificate {id}: a DCC of the same canonical form (SHA-256 {digest}) is also anchored by certificate {other} of this batch"],
    "superseded_in_batch": ["证书 {id}：本批次的证书 {other} 已替代 {supersedes}", "issue certificate {id}: certificate {other} of this batch supersedes {supersedes} already"],
    "previous_already": ["被替代的证书 {id} 已是{status:status}状态", "previous certificate {id} is already {status:status}"],
    "standard_revoked": ["计量标准 {id} 已于 {since} 撤销，不能再变更状态", "standard {id} was revoked on {since} and cannot change status"],
    "standard_already": ["计量标准 {id} 已是{status:status}状态", "standard {id} is already {status:status}"],
    "replacement_status": ["替代证书 {id} 为{status:status}状态", "replacement {id} is {status:status}"],
    "certificate_already": ["证书 {id} 已是{status:status}状态", "certificate {id} is already {status:status}"],
    "idempotency_reused": ["幂等键“{key}”已被交易 {tx} 用于另一请求（{function}）；新请求请使用新键", "idempotency key \"{key}\" was used by transaction {tx} for another request ({function}); use a new key for a new request"],
    "idempotency_key_length": ["幂等键须为 1 至 {max} 个字符，实为 {got} 个", "an idempotency key has 1 to {max} characters, got {got}"],
    "idempotency_key_chars": ["幂等键须为不含空格的可打印 ASCII 字符；第 {index} 字节为 {byte}", "an idempotency key is printable ASCII without spaces; byte {index} is {byte}"],
    "caller_unreadable": ["无法读取调用者的身份", "the caller's identity cannot be read"],
    "caller_msp_unreadable": ["无法读取调用者的 MSP", "the caller's MSP cannot be read"],
    "caller_no_role": ["身份带有机构属性，但没有角色属性", "the identity names an institution but no role"],
    "caller_unknown_role": ["未知角色“{role}”（应为记录员、监督检查员或运维管理员）", "unknown role \"{role}\" (recorder, inspector or operator)"],
    "caller_no_institution": ["{role:role}身份须带有机构属性", "a {role:role} identity must name its institution"],
    "write_other_org": ["{caller:caller}不能代 {id} 写入：{id} 属于 {msp}", "{caller} may not write for {id}, which belongs to {msp}"],
    "write_other_institution": ["{institution} 的记录员不能代 {id} 写入", "a recorder of {institution} may not write for {id}"],
    "inspector_no_write": ["监督检查员只读，不能代 {id} 写入", "inspectors read; they cannot write for {id}"],
    "operator_no_write": ["运维管理员登记机构、提议互认协议；{id} 的记录由其记录员写入", "operators register institutions and propose agreements; records of {id} are written by its recorders"],
    "signing_other_org": ["{caller:caller}不能管理 {id} 的签名证书：{id} 属于 {msp}", "{caller} may not keep the signing certificates of {id}, which belongs to {msp}"],
    "signing_other_institution": ["{institution} 的记录员不能管理 {id} 的签名证书", "a recorder of {institution} may not keep the signing certificates of {id}"],
    "inspector_no_signing": ["监督检查员只读，不能管理 {id} 的签名证书", "inspectors read; they cannot keep the signing certificates of {id}"],
    "register_other_org": ["{caller:caller}不能为 {msp} 登记 {id}", "{caller} may not register {id} for {msp}"],
    "operator_only": ["只有运维管理员能登记机构；调用者是{role:role}", "only an operator registers institutions; the caller is a {role:role}"],
    "case_recorded": ["案件 {id} 已完整记录", "case {id} is already recorded in full"],
    "notice_item_resolved": ["通知 {notice} 中的证书 {certificate} 已处理：{action:action}", "certificate {certificate} of notice {notice} was already resolved: {action:action}"],
    "not_a_party": ["{party} 不是互认协议 {id} 的协议方", "{party} is not a party to agreement {id}"],
    "caller_not_a_party": ["提议互认协议 {id}：{caller:caller}不代表任何协议方", "propose agreement {id}: {caller} does not act for any of its parties"],
    "already_approved": ["{party} 已批准互认协议 {id}", "{party} already approved agreement {id}"],
    "owner_private": ["{id} 的所有者信息仅 {msp} 可见", "owner details of {id} are private to {msp}"],
    "owner_elsewhere": ["{id} 的所有者信息由 {msp} 的节点保存", "owner details of {id} are kept by peers of {msp}"],
    "comparison_result_exists": ["比对 {id} 已有 {institution} 的结果", "comparison {id} already has a result of {institution}"],
    "batch_refused": ["批次中 {total} 项有 {refused} 项被拒绝，未写入任何内容", "{refused} of {total} refused, nothing written"],
    "token_required": ["需要访问令牌（Authorization: Bearer <令牌>）", "a bearer token is required (Authorization: Bearer <token>)"],
    "token_bad_header": ["Authorization 请求头须为“Bearer <令牌>”", "the Authorization header must be \"Bearer <token>\""],
    "token_invalid": ["令牌无效（签名或格式错误）", "the token is invalid (bad signature or malformed)"],
    "token_expired": ["令牌已过期", "the token has expired"],
    "token_bad_claims": ["令牌的声明无效（角色、组织或机构有误）", "the token's claims are invalid (role, organization or institution)"],
    "token_unknown_org": ["令牌所属组织“{msp}”不由本网关服务", "the token names organization \"{msp}\", which this gateway does not serve"],
    "token_org_elsewhere": ["本网关不持有组织 {msp} 的密钥：{institution} 的用户请通过本组织的网关操作", "this gateway holds no key of organization {msp}: {institution}'s users act through their own organization's gateway"],
    "token_no_institution": ["令牌所属机构 {institution} 未登记", "the token names institution {institution}, which is not registered"],
    "token_institution_org": ["令牌所属机构 {institution} 的组织无法读取", "the token names institution {institution}, whose organization cannot be read"],
    "token_org_mismatch": ["令牌所属机构 {institution} 属于 {msp}，而令牌的组织是 {claimed}", "the token names institution {institution} of {msp}, but organization {claimed}"],
    "token_no_party": ["此令牌未指明代表哪个机构批准", "this token names no institution to approve for"],
    "no_ledger_identity": ["此令牌没有可用的账本身份", "no ledger identity for this token"],
    "role_may_not": ["{role:role}无权执行 {method} {path}（需要：{roles:role}）", "a {role:role} may not {method} {path} (needs {roles:role})"],
    "body_too_large": ["请求体超过 {limit} 字节", "request body is larger than {limit} bytes"],
    "file_too_large": ["文件超过 {limit} 字节（10 MiB）", "the file is larger than {limit} bytes (10 MiB)"],
    "headers_too_large": ["请求行和请求头共 {size} 字节，超过上限 {limit} 字节", "the request line and headers take {size} bytes, more than the {limit} bytes allowed"],
    "unsupported_media_type": ["不支持内容类型 {type}；请发送 {want}", "content type {type} is not supported; send {want}"],
    "method_not_allowed": ["此地址不接受 {method} 请求（可用：{allowed}）", "{method} is not allowed here (allowed: {allowed})"],
    "route_not_found": ["接口中没有 {path}", "no route {path} in the API"],
    "rate_limited": ["请求过于频繁，请稍后再试", "too many requests; slow down"],
    "request_timeout": ["请求未在 {timeout} 内完成", "the request did not finish within {timeout}"],
    "dcc_on_ledger": ["证书 {id} 已在账本上，锚定的正是此 DCC（SHA-256 {digest}）", "certificate {id} is on the ledger already, anchoring this very DCC (SHA-256 {digest})"],
    "dcc_on_ledger_other": ["证书 {id} 已在账本上，锚定的是另一份 DCC（SHA-256 {digest}；此文件为 {file_digest}）：替代它的 DCC 须有自己的 uniqueIdentifier，并以 previousReport 指向已锚定的那份", "certificate {id} is on the ledger already, anchoring another DCC (SHA-256 {digest}; this file's is {file_digest}): a DCC that replaces it needs its own uniqueIdentifier and a previousReport naming the anchored one"],
    "file_empty": ["文件为空", "the file is empty"],
    "no_file_field": ["multipart 请求体中没有携带文件的字段“{name}”", "the multipart body has no field \"{name}\" carrying the file"],
    "dcc_schema_invalid": ["DCC 不符合 DCC 模式 {version}：{errors}", "the DCC is not valid against the DCC schema {version}: {errors}"],
    "unknown_issuer": ["未知的出具机构 {id}（issuer_id）：没有登记机构 {id}", "unknown issuer {id} (issuer_id): no institution {id} is registered"],
    "unknown_laboratory": ["未知的实验室 {id}：DCC 的 calibrationLaboratoryCode 指明出具机构，但没有登记机构 {id}（请用 issuer_id 指定已登记的机构）", "unknown laboratory {id}: the DCC's calibrationLaboratoryCode names the issuing institution, and no institution {id} is registered (name a registered one with issuer_id)"],
    "dcc_signature_broken": ["DCC 的 XML 签名无法验证（内容已被改动）：{detail}", "the DCC carries an XML signature that does not verify: {detail}"],
    "dcc_signature_required": ["机构 {institution} 要求其 DCC 以其登记的签名证书签名：{detail}", "institution {institution} requires its DCCs to be signed with a signing certificate it registered: {detail}"],
    "subscription_institution": ["记录员的订阅须属于其所在机构", "a recorder's subscription needs the recorder's institution"],
    "party_required": ["批准互认协议 {id}：须指明批准的协议方", "approve agreement {id}: name the approving party"],
    "case_since_after_today": ["立案 {id}：起始日期 {since} 晚于今天 {today}", "open case {id}: since {since} is after today {today}"],
    "no_results_given": ["向比对 {id} 添加结果：没有给出任何结果", "add results to comparison {id}: no results given"],
    "item_fields": ["{count} 个字段有误", "{count} fields are wrong"],
    "param_required": ["缺少查询参数 {param}", "{param} is required"],
    "param_date_required": ["缺少查询参数 {param}（日期，YYYY-MM-DD）", "{param} (YYYY-MM-DD) is required"],
    "param_bad_date": ["查询参数 {param}：“{value}”不是有效日期（YYYY-MM-DD）", "{param}: date \"{value}\" is not a valid YYYY-MM-DD date"],
    "param_integer": ["查询参数 {param} 须为 {min} 至 {max} 之间的整数，不能是“{value}”", "{param} \"{value}\" must be an integer from {min} to {max}"],
    "param_choice": ["查询参数 {param} 须为 {allowed} 之一，不能是“{value}”", "{param} must be one of {allowed}, not \"{value}\""],
    "params_exclusive": ["查询参数 {param} 与 {other} 不能同时使用", "{param} and {other} exclude each other"],
    "page_token_foreign": ["page_token 不是此列表给出的翻页令牌", "page_token is not a token of this list"],
    "page_token_stale": ["page_token 不是此列表给出的翻页令牌（或列表已变化）；请从第一页重新开始", "page_token is not a token of this list (or the list changed); start again from the first page"],
    "impact_too_large": ["计量标准 {id} 的影响范围超过 {max} 张证书，一次链码查询读不完；请向网关的索引查询（GET /api/v1/impact/{id}）", "the impact of {id} reaches more than {max} certificates, more than one evaluation reads; ask the gateway's index (GET /api/v1/impact/{id})"],
    "filter_unsupported": ["{kind:record_kind}列表不能按 {filter} 筛选", "{kind:record_kind} lists cannot be filtered by {filter}"],
    "filter_both": ["{kind:record_kind}列表只能按 {filter} 或 {other} 之一筛选，不能同时按两者", "filter {kind:record_kind} lists by one of {filter} and {other}, not both"],
    "filter_required": ["从账本列出{kind:record_kind}需要一个筛选条件", "listing {kind:record_kind} records from the ledger needs a filter"],
    "unknown_index": ["未知的索引“{value}”", "unknown index \"{value}\""],
    "category_param": ["类别“{value}”不在强制管理的计量器具目录中", "category \"{value}\" is not a code of the catalogue of compulsorily managed measuring instruments"],
    "owner_details_coding": ["请求头 {header} 既不是 JSON，也不是百分号编码的 JSON", "{header} is neither JSON nor percent-encoded JSON"],
    "owner_details_json": ["请求头 {header} 不是有效的 JSON", "{header} is not valid JSON"],
    "query_malformed": ["查询字符串格式错误：{detail}", "the query string is malformed: {detail}"],
    "not_in_api": ["{method} {path} 不在接口文档中", "{method} {path} is not in the API document"],
    "body_unreadable": ["无法读取请求体：{detail}", "the request body cannot be read: {detail}"],
    "multipart_invalid": ["multipart 请求体无效：{detail}", "multipart body: {detail}"],
    "body_empty": ["请求体为空；请发送 JSON 文档", "the request body is empty; send a JSON document"],
    "body_too_deep": ["请求体中数组和对象的嵌套超过 {max} 层", "the request body nests arrays and objects deeper than {max} levels"],
    "body_not_array": ["请求体须为结果的 JSON 数组", "the body must be a JSON array of results"],
    "batch_empty": ["批次须包含 1 至 {max} 张证书", "certificates must hold 1 to {max} certificates"],
    "batch_too_large": ["批次有 {count} 张证书，一个批次最多 {max} 张", "certificates holds {count} certificates, a batch takes at most {max}"],
    "item_not_object": ["证书须为 JSON 对象", "a certificate must be a JSON object"],
    "picture_too_large": ["记录太多，一张图最多绘制 {max} 条；请改为查看 JSON 结果", "too many records to draw (a picture draws at most {max}); ask for the JSON answer instead"],
    "cases_need_index": ["超差案件由索引提供，而此网关未运行索引", "cases are shown from the index, which this gateway does not run"],
    "search_needs_index": ["搜索需要索引，而此请求不读取索引（source=ledger，或网关没有索引）", "search needs the index, which this request does not read (source=ledger, or a gateway without an index)"],
    "supervision_need_index": ["监管清单需要索引，而此网关未运行索引", "supervision lists need the index, which this gateway does not run"],
    "no_dcc_store": ["此网关不保存 DCC，因此不能导入 DCC", "this gateway keeps no DCC store, so it cannot import DCCs"],
    "dcc_kept_by_issuer": ["此网关不保存 DCC；证书 {id} 的 DCC（SHA-256 {digest}）由其出具机构的网关保存", "this gateway keeps no DCC store; the DCC of certificate {id} (SHA-256 {digest}) is kept by its issuer's gateway"],
    "dcc_not_in_store": ["证书 {id} 的 DCC（SHA-256 {digest}）不在此网关的存储中，由其出具机构 {issuer} 的网关保存", "the DCC of certificate {id} (SHA-256 {digest}) is not in this gateway's store; it is kept by the gateway of its issuer {issuer}"],
    "no_dcc_anchored": ["证书 {id} 没有锚定 DCC；使用 ?generate=true 可根据账本记录生成", "certificate {id} anchors no DCC; ?generate=true writes one from the ledger record"],
    "no_webhooks": ["此网关不投递 Webhook", "this gateway delivers no webhooks"],
    "no_reader_identity": ["此网关没有用于读取账本的身份", "this gateway has no ledger identity to read with"],
    "verify_not_configured": ["此网关未配置验证功能（没有读取账本的身份）", "verification is not configured on this gateway (it has no reader identity to read the ledger with)"],
    "ledger_unavailable": ["账本暂不可用，请稍后重试", "the ledger is unavailable; retry later"],
    "ledger_retry_later": ["{who:who}暂不可用，交易未被接受，未写入任何内容；请稍后重新发送同一请求", "the {who:who} took no transaction, nothing was written; send the same request again later"],
    "ledger_may_commit": ["写入未在 {within} 内完成（节点或排序节点无应答，或排序节点没有 raft 主节点），但仍可能提交：请使用相同的 Idempotency-Key 请求头重试，该请求只会执行一次", "the write did not complete within {within} (peers or orderers do not answer, or the orderers have no raft leader); it may still commit: retry the request with the same Idempotency-Key header, which applies it once"],
    "ledger_timeout": ["账本未能及时应答", "the ledger did not answer in time"],
    "request_cancelled": ["请求已取消", "the request was cancelled"],
    "ledger_failed": ["账本{phase:phase}失败：{detail}", "{phase:phase} failed: {detail}"],
    "internal_error": ["网关内部错误", "internal error"],
    "internal_detail": ["网关内部错误：{detail}", "{detail}"],
    "ledger_internal": ["账本出错：{detail}", "the ledger failed: {detail}"],
    "dcc_store_failed": ["此网关无法保存 DCC，因此未记录证书 {id}：{detail}", "this gateway could not store the DCC, so certificate {id} was not recorded: {detail}"],
    "request_invalid": ["请求不符合接口定义：{detail}", "{detail}"]
  };
  // END FIELD_MESSAGES
  // DCC_NOTES says each DCC mapping note code (dcc.ProblemCodes) as [zh,
  // en], as FIELD_MESSAGES does; a Go test checks it against the codes.
  // BEGIN DCC_NOTES
  var DCC_NOTES = {
    "id_sanitized": ["{what}“{value}”不是有效的账本编号，记为“{id}”", "{what} \"{value}\" is not a valid ledger id; recorded as \"{id}\""],
    "item_not_recorded": ["未记录被校对象“{name}”：账本上的一张证书只有一个对象，即第一个", "item \"{name}\" is not recorded: a ledger certificate has one subject, the first item"],
    "equipment_auxiliary": ["测量设备“{name}”是辅助设备，不是参考标准；未记录", "measuring equipment \"{name}\" is auxiliary equipment, not a reference standard; not recorded"],
    "equipment_no_identification": ["测量设备“{name}”没有标识，未记为参考标准", "measuring equipment \"{name}\" is not recorded as a reference: it has no identification"],
    "equipment_not_on_ledger": ["测量设备“{name}”未记为参考标准：账本上没有与其标识相符的标准（尝试的标识方：{tried}）", "measuring equipment \"{name}\" is not recorded as a reference: no identification names it on the ledger (issuers tried: {tried})"],
    "equipment_is_subject": ["测量设备“{name}”就是被校对象本身；未记为参考标准", "measuring equipment \"{name}\" is the subject itself; not recorded as a reference"],
    "references_given": ["参考标准 {ids} 由请求指定（reference_ids），未从测量设备解析", "reference standards {ids} are named by the request (reference_ids), not resolved from the measuring equipment"],
    "equipment_identified": ["测量设备“{name}”即计量标准 {id}，其 {issuer:issuer}标识为“{value}”", "measuring equipment \"{name}\" is standard {id}, which carries its {issuer:issuer} identification \"{value}\""],
    "equipment_named": ["测量设备“{name}”即计量标准 {id}（按其{issuer:issuer}标识）", "measuring equipment \"{name}\" is standard {id}, named by its {issuer:issuer} identification"],
    "equipment_unresolved": ["测量设备“{name}”未对应任何已登记的计量标准（尝试：{tried}）；请在标准上登记其标识，或用 reference_ids 指定标准", "measuring equipment \"{name}\" resolves to no registered standard (tried: {tried}); register its identification on the standard or name the standards with reference_ids"],
    "end_date_missing": ["缺少结束日期；检定/校准日期取开始日期 {date}", "missing; performed_on is the begin performance date {date}"],
    "errors_as_reference": ["未记录测量误差；结果取 {path} 的参考值及误差的不确定度", "measurement errors are not recorded; results are the reference values of {path} with the uncertainty of the error"],
    "quantity_no_uncertainty": ["量“{name}”没有扩展不确定度，未记录", "quantity \"{name}\" is not recorded: it carries no expanded uncertainty"],
    "one_as_percent": ["以 \\one 表示的值记为 %", "values in \\one are recorded in %"],
    "valid_until_recalibration": ["有效期至取再校准日期 {date}", "valid_until is the recalibration date {date}"],
    "valid_until_default": ["DCC 未声明有效期；有效期至取检定/校准日期加 {years} 年：{date}", "the DCC states no validity; valid_until is performed_on + {years} year(s): {date}"],
    "conformity_not_recorded": ["未记录检定结论“{value}”：只有检定证书才给出结论", "conformity \"{value}\" is not recorded: only a verification certificate states conformity"],
    "replaces_report": ["此 DCC 替代报告“{report}”（账本编号“{id}”）；请在账本上替代该证书", "this DCC replaces report \"{report}\" (ledger id \"{id}\"); supersede that certificate on the ledger"],
    "replaces_report_no_id": ["此 DCC 替代报告“{report}”，该报告没有账本编号；请手工关联", "this DCC replaces report \"{report}\", which has no ledger id; link it by hand"],
    "replaces_report_not_sha256": ["此 DCC 替代报告“{report}”，但以 {procedure}“{value}”指称，而不是十六进制 SHA-256；未在账本上关联", "this DCC replaces report \"{report}\", but names it by {procedure} \"{value}\", not by a SHA-256 in hex; not linked on the ledger"],
    "replaces_report_unanchored": ["此 DCC 替代报告“{report}”，但账本上没有证书锚定其 SHA-256 {digest}；未关联", "this DCC replaces report \"{report}\", whose SHA-256 {digest} no certificate on the ledger anchors; not linked"],
    "previous_ambiguous": ["前一份报告的 SHA-256 {digest} 由多张证书锚定；未关联", "the SHA-256 {digest} of the previous report is anchored by several certificates; not linked"],
    "previous_not_valid": ["前一份报告（SHA-256 {digest}）是证书 {id}，已是{status:status}状态；未关联", "the previous report (SHA-256 {digest}) is certificate {id}, which is {status:status} already; not linked"],
    "supersedes": ["此 DCC 替代证书 {id}（其锚定的 DCC 的 SHA-256 {digest} 由 previousReport 指明）", "this DCC replaces certificate {id}, whose anchored DCC has the SHA-256 {digest} named by previousReport; it supersedes it"],
    "si_not_read": ["未读取 si:{element}；只读取 si:real、si:realListXMLList 和 si:hybrid", "si:{element} is not read; only si:real, si:realListXMLList and si:hybrid are"],
    "no_dsi_value": ["量没有 D-SI 值（si:real、si:realListXMLList 或 si:hybrid）；未读取", "quantity has no D-SI value (si:real, si:realListXMLList or si:hybrid); not read"],
    "hybrid_empty": ["si:hybrid 中没有 si:real 或 si:realListXMLList；未读取", "si:hybrid holds no si:real or si:realListXMLList; not read"],
    "unit_unknown": ["metrotrace 无法识别此 D-SI 单位（{reason}）", "{reason}: metrotrace has no unit for it"],
    "uncertainty_not_expanded": ["测量不确定度不是扩展不确定度（si:expandedMU）；未读取", "measurement uncertainty is not an expanded uncertainty (si:expandedMU); not read"],
    "uncertainty_not_read": ["未读取 si:{element}{suffix}；只读取扩展不确定度", "si:{element}{suffix} is not read; only expanded uncertainties are"],
    "id_unusable": ["{what}“{value}”无法转为账本编号（1–64 个 A-Z a-z 0-9 . _ - 字符）", "{what} \"{value}\" cannot be made into a ledger id (1-64 of A-Z a-z 0-9 . _ -)"],
    "no_unique_identifier": ["缺少 DCC 唯一标识：证书编号取自 DCC 的 uniqueIdentifier", "missing: the certificate id is the DCC's unique identifier"],
    "no_laboratory_code": ["缺少校准实验室代码：出具机构由其指明（实验室“{name}”）", "missing: the issuing institution is named by the calibration laboratory code (laboratory \"{name}\")"],
    "bad_laboratory_code": ["校准实验室代码“{value}”不是有效的机构编号", "calibration laboratory code \"{value}\" is not a valid institution id"],
    "resolved_id_invalid": ["{what}：解析得到的编号无效：{detail}", "{what}: resolved id: {detail}"],
    "no_item": ["缺少被校对象：DCC 中没有 dcc:item", "missing: no dcc:item names the calibrated subject"],
    "item_unresolved": ["被校对象“{name}”没有能在账本上找到的标识（尝试的标识方：{tried}）", "item \"{name}\" has no identification that names it on the ledger (issuers tried: {tried})"],
    "no_reference_unresolved": ["缺少参考标准：没有测量设备对应到参考标准，证书至少需要一个（未解析的设备 {unresolved}；请用 reference_ids 指定）", "missing: no measuring equipment identifies a reference standard; a certificate needs at least one (unresolved equipment {unresolved}; name the standards with reference_ids)"],
    "no_reference": ["缺少参考标准：没有测量设备对应到参考标准，证书至少需要一个", "missing: no measuring equipment identifies a reference standard; a certificate needs at least one"],
    "no_performance_date": ["缺少检定/校准日期：取 DCC 的结束（或开始）日期", "missing: performed_on is the end (or begin) performance date"],
    "result_unit_unknown": ["未知的 D-SI 单位“{unit}”：结果无法以 metrotrace 的单位记录", "unknown D-SI unit \"{unit}\": the result cannot be recorded in a metrotrace unit"],
    "uncertainty_unit_mismatch": ["不确定度单位“{unit}”与值的单位“{value_unit}”不符：{detail}", "uncertainty in \"{unit}\" does not fit values in \"{value_unit}\": {detail}"],
    "no_uncertain_result": ["缺少结果：没有带扩展不确定度的结果值，校准证书需要带不确定度和 k 的结果", "missing: no result value carries an expanded uncertainty; a calibration certificate needs results with uncertainty and k"],
    "option_quantity_unknown": ["“{value}”不是已知的量（已知：{known}）", "\"{value}\" is not a known quantity (known: {known})"],
    "results_unit_bad": ["结果的单位“{unit}”：{detail}", "unit \"{unit}\" of the results: {detail}"],
    "results_two_quantities": ["结果同时测量 {dimension}（“{unit}”）和 {other_dimension}（“{other_unit}”）；一张证书只记录一个量", "results measure both {dimension} (\"{unit}\") and {other_dimension} (\"{other_unit}\"); one certificate records one quantity"],
    "dimensionless_quantity": ["无法推断无量纲结果的量（未提及湿度）；请指定量", "the quantity of dimensionless results cannot be inferred (no mention of humidity); set MapOptions.Quantity"],
    "quantity_not_inferred": ["无法从“{unit}”（{dimension}）推断 metrotrace 的量；请指定量", "no metrotrace quantity is inferred from \"{unit}\" ({dimension}); set MapOptions.Quantity"],
    "no_method": ["缺少方法：没有 dcc:usedMethod 指明校准方法；请指定方法", "missing: no dcc:usedMethod names the calibration method; set MapOptions.Method"],
    "no_conformity": ["缺少检定结论：检定需要带 dcc:conformity 的声明", "missing: a verification needs a statement with dcc:conformity"],
    "previous_other_subject": ["前一份报告（SHA-256 {digest}）是关于 {subject} 的证书 {id}，不是关于本 DCC 的对象 {want}", "the previous report (SHA-256 {digest}) is certificate {id} about {subject}, not about this DCC's subject {want}"],
    "option_invalid": ["请求参数无效：{detail}", "{detail}"],
    "option_bad_id": ["选项 {option}“{value}”不是有效编号（1–64 个 A-Z a-z 0-9 . _ - 字符，以字母或数字开头）", "{option} \"{value}\" is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)"],
    "resolved_bad_id": ["{what}：解析得到的编号“{value}”无效（1–64 个 A-Z a-z 0-9 . _ - 字符，以字母或数字开头）", "{what}: resolved id \"{value}\" is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)"],
    "bad_performance_date": ["检定/校准日期无效：{detail}", "{detail}"],
    "dcc_too_large": ["DCC 有 {size} 字节，超过可接受的 {max} 字节（10 MiB）", "DCC is {size} bytes, more than the {max} bytes (10 MiB) accepted"],
    "dcc_empty": ["DCC 为空", "DCC is empty"],
    "xml_malformed": ["XML 格式错误：{detail}", "malformed XML: {detail}"],
    "xml_after_root": ["XML 格式错误：根元素之后还有内容", "malformed XML: content after the root element"],
    "xml_too_deep": ["XML 格式错误：元素嵌套超过 {max} 层", "malformed XML: elements nested deeper than {max}"],
    "xml_text_outside": ["XML 格式错误：根元素之外有文本", "malformed XML: text outside the root element"],
    "xml_no_root": ["XML 格式错误：没有根元素", "malformed XML: no root element"],
    "not_a_dcc": ["不是 DCC：根元素是 {root}，而不是命名空间 {namespace} 中的 dcc:digitalCalibrationCertificate", "not a DCC: the root element is {root}, not dcc:digitalCalibrationCertificate in namespace {namespace}"],
    "no_schema_version": ["DCC 没有 schemaVersion 属性；支持的版本为 3.1 至 3.3", "DCC has no schemaVersion attribute; supported versions are 3.1 to 3.3"],
    "schema_version_unsupported": ["不支持 DCC 模式版本“{value}”；支持的版本为 3.1 至 3.3", "DCC schema version \"{value}\" is not supported; supported versions are 3.1 to 3.3"],
    "no_administrative_data": ["缺少 dcc:administrativeData：DCC 必须包含", "missing: a DCC must have dcc:administrativeData"],
    "no_measurement_results": ["缺少 dcc:measurementResults：DCC 必须包含", "missing: a DCC must have dcc:measurementResults"],
    "no_core_data": ["缺少 dcc:coreData：DCC 必须包含", "missing: a DCC must have dcc:coreData"],
    "bad_date_value": ["日期无效：{detail}", "{detail}"],
    "no_dcc_results": ["缺少 dcc:results：测量结果必须包含", "missing: a measurement result must have dcc:results"],
    "no_si_value": ["缺少 si:value{suffix}", "si:value{suffix} is missing"],
    "no_si_unit": ["缺少 si:unit{suffix}：每个 D-SI 值都需要单位", "si:unit{suffix} is missing: every D-SI value needs a unit"],
    "empty_value": ["没有值", "no value"],
    "real_not_one": ["si:real 中有 {count} 个数，应为一个", "si:real holds {count} numbers, not one"],
    "mixed_units": ["不支持不同单位的值（{unit}、{other_unit}）", "values in different units ({unit}, {other_unit}) are not supported"],
    "units_count": ["{values} 个值却有 {units} 个单位", "{units} units for {values} values"],
    "uncertainty_incomplete": ["缺少扩展不确定度的值或包含因子", "missing: an expanded uncertainty needs its value and coverage factor"],
    "entries_count": ["{values} 个值却有 {entries} 项；请给出一项（适用全部）或每个值一项", "{entries} entries for {values} values; give one for all or one per value"],
    "not_a_number": ["“{value}”不是数", "\"{value}\" is not a number"],
    "not_finite_number": ["“{value}”不是有限数", "\"{value}\" is not a finite number"]
  };
  // END DCC_NOTES
  // SIGNATURE_REASONS says each reason code of a DCC signature check
  // (signature.ReasonCodes) as [zh, en]; a Go test checks it.
  // BEGIN SIGNATURE_REASONS
  var SIGNATURE_REASONS = {
    "no_signature": ["DCC 没有 XML 签名", "the DCC carries no XML signature"],
    "not_xml": ["文件不是 XML 文档，因此没有 XML 签名（{detail}）", "the file is not an XML document, so it carries no XML signature ({detail})"],
    "not_verified": ["签名无法验证：{detail}", "the signature does not verify: {detail}"],
    "no_signing_time_chain": ["签名未声明签名时间（XAdES SigningTime），无法据此判断证书链", "the signature states no signing time (XAdES SigningTime), so its chain cannot be judged at it"],
    "chain_revoked": ["证书“{subject}”已于 {revoked_at} 被吊销（{reason}），早于签名时间 {signed_at}（据文件自带的吊销数据）", "certificate \"{subject}\" was revoked at {revoked_at} ({reason}), before the signing time {signed_at}, as the file's own revocation data state"],
    "no_roots": ["网关未配置信任根，无法判断签名者的证书链", "no trust roots are configured to judge the signer's chain against"],
    "chain_untrusted": ["签名者证书在签名时间 {signed_at} 不能链接到信任根：{detail}", "the signer's certificate does not chain to a trust root at the signing time {signed_at}: {detail}"],
    "no_institution": ["不知道出具机构，无法查找其登记的签名证书", "no issuing institution is known to look registered signing certificates up for"],
    "no_signing_time_registration": ["签名未声明签名时间，无法据此判断是否已登记", "the signature states no signing time, so registration cannot be judged at it"],
    "registered_unparsable": ["{institution} 的签名证书 {id} 无法解析：{detail}", "signing certificate {id} of {institution} does not parse: {detail}"],
    "registered_not_valid_at": ["签名者链接到 {institution} 的签名证书 {id}，但其在签名时间 {signed_at} 无效（有效期 {from} 至 {to}）", "the signer chains to signing certificate {id} of {institution}, which was not valid at the signing time {signed_at} (valid {from} to {to})"],
    "registered_chain_invalid": ["签名者链接到 {institution} 的签名证书 {id}，但其登记的证书链在签名时间 {signed_at} 无效：{detail}", "the signer chains to signing certificate {id} of {institution}, whose registered chain is not valid at the signing time {signed_at}: {detail}"],
    "registered_revoked": ["签名者链接到 {institution} 的签名证书 {id}，该证书已于 {revoked_on} 撤销（{reason}），早于签名时间 {signed_at}", "the signer chains to signing certificate {id} of {institution}, which {institution} revoked on {revoked_on} ({reason}), before the signing time {signed_at}"],
    "none_registered": ["机构 {institution} 未在账本上登记任何签名证书", "institution {institution} has registered no signing certificate on the ledger"],
    "not_registered": ["签名者证书（{subject}，颁发者 {issuer}）不是 {institution} 登记的 {count} 张签名证书之一，也不是由其签发", "the signer's certificate ({subject}, issued by {issuer}) is not one of the {count} signing certificates {institution} registered, nor issued under one"]
  };
  // END SIGNATURE_REASONS
  // SCHEMA_REASONS says why a DCC was not schema-validated (the reason
  // codes of schema.ReasonCodes) as [zh, en]; a Go test checks it.
  // BEGIN SCHEMA_REASONS
  var SCHEMA_REASONS = {
    "not_dcc": ["未校验：根元素是 {root}，不是 dcc:digitalCalibrationCertificate", "not validated: the root element is {root}, not dcc:digitalCalibrationCertificate"],
    "no_version": ["未校验：缺少 schemaVersion 属性", "no schemaVersion: not validated"],
    "bad_version": ["未校验：schemaVersion“{version}”不是版本号（应为 N.N.N）", "bad schemaVersion \"{version}\": not validated"],
    "no_schema": ["未按模式校验：网关未内置 DCC {version} 的模式（内置：{embedded}）", "not schema-validated: no schema for DCC {version} is embedded (embedded: {embedded})"],
    "refused": ["已拒绝：{detail}", "refused: {detail}"],
    "not_validated": ["未校验", "not validated"]
  };
  // END SCHEMA_REASONS
  VALUE_LABEL.who = {'endorsing peer': '背书节点', orderer: '排序节点', chaincode: '链码'};
  VALUE_LABEL.phase = {endorse: '背书', submit: '提交', commit: '提交确认', evaluate: '查询'};
  VALUE_LABEL.action = {recalled: '召回', recalibrated: '重新检定/校准', no_impact: '无影响'};
  VALUE_LABEL.by = {ledger: '账本', ApproveAgreement: '批准互认协议（ApproveAgreement）', SupersedeCertificate: '替代证书（SupersedeCertificate）'};
  VALUE_LABEL_EN.by = {ledger: 'the ledger'};
  VALUE_LABEL.role = ROLE_LABEL;
  VALUE_LABEL.rule = {type: '类型不符', 'enum': '不是允许的取值', pattern: '格式不符', required: '缺少必填项', request: '参数无法解析',
    minimum: '小于最小值', maximum: '大于最大值', minLength: '太短', maxLength: '太长', minItems: '项数太少', maxItems: '项数太多',
    additionalProperties: '不允许的字段', format: '格式不符'};
  VALUE_LABEL_EN.rule = {type: 'wrong type', 'enum': 'not an allowed value', pattern: 'wrong format', required: 'a required field is missing',
    request: 'the parameter does not parse', minimum: 'below the minimum', maximum: 'above the maximum', minLength: 'too short',
    maxLength: 'too long', minItems: 'too few items', maxItems: 'too many items', additionalProperties: 'a field not allowed', format: 'wrong format'};
  VALUE_LABEL.record_kind = {institution: '机构', capability: '校准测量能力', standard: '计量标准', instrument: '计量器具',
    certificate: '证书', comparison: '比对', agreement: '互认协议', signing_certificate: 'DCC 签名证书', 'case': '超差案件',
    notice: '超差通知', subject: '被检/被校对象', 'reference standard': '参考标准'};
  VALUE_LABEL_EN.record_kind = {signing_certificate: 'signing certificate', 'case': 'case'};
  // fieldName names a field path in the language: "results[0].unit" is
  // 结果[0]·单位 in zh, as sent in en.
  function fieldName(path) {
    if (LANG === 'en' || !path) return path || '';
    return String(path).split('.').map(function (seg) {
      var m = /^([^\[]*)(\[.*)?$/.exec(seg), l = FIELD_LABEL[m[1]];
      return (l ? l[0] : m[1]) + (m[2] || '');
    }).join('·');
  }
  function sayParam(p, name, key) {
    var v = p[name] === undefined || p[name] === null ? '' : String(p[name]);
    if (!key || v === '') return v;
    if (key === 'field') return fieldName(v);
    // values: a list of the field's values ("primary, public"), each named
    // as the field's values are.
    if (key === 'values') {
      var k = String(p.field || '').replace(/\[[0-9]+\]/g, '').split('.').pop();
      return v.split(', ').map(function (x) { return k === 'level' ? sayParam({x: x}, 'x', 'level') : valueLabel(k, x); }).join(T('、', ', '));
    }
    if (key === 'level') return LEVEL_LABEL[v] ? T(LEVEL_LABEL[v][0], LEVEL_LABEL[v][1]) : v;
    // caller: the identity a refusal names, from its parts (caller_msp,
    // caller_role, caller_institution); in en as the gateway wrote it.
    if (key === 'caller') {
      if (LANG === 'en' || !p.caller_msp) return v;
      var role = p.caller_role ? valueLabel('role', p.caller_role) : '身份';
      return p.caller_institution ? p.caller_institution + ' 的' + role + '（' + p.caller_msp + '）' : p.caller_msp + ' 的' + role;
    }
    // role: a role or a list of them ("recorder, operator").
    if (key === 'role') return v.split(', ').map(function (x) { return valueLabel('role', x); }).join(T('或', ' or '));
    return valueLabel(key, v);
  }
  // sayDetail is a field error (a detail of an error answer) in the
  // language, composed from its code and params; its English message for a
  // code this console does not know.
  function sayDetail(d) {
    // A DCC that does not map is refused with its mapping problems as
    // details, their codes those of DCC_NOTES.
    var t = d && d.code && (FIELD_MESSAGES[d.code] || DCC_NOTES[d.code]);
    if (!t) return (d && d.message) || '';
    return t[LANG === 'en' ? 1 : 0].replace(/\{([a-z_]+)(?::([a-z_]+))?\}/g, function (all, name, key) { return sayParam(d.params || {}, name, key); });
  }
  // sayItem is a refused item of a batch in the language: its reason
  // (code and params) said, its English message for a reason not known.
  function sayItem(d) {
    // An item refused for several fields says each of them, by its name.
    var fs = d.fields || [];
    if (d.reason === 'item_fields' && fs.length && fs.every(function (f) { return f.code && FIELD_MESSAGES[f.code]; })) {
      return fs.map(sayDetail).join(T('；', '; '));
    }
    return d.reason && FIELD_MESSAGES[d.reason] ? sayDetail({code: d.reason, params: d.params}) : d.message;
  }
  // sayError is an error's message in the language: its details said
  // one by one when the console knows every one of them, else as sent.
  // A refusal that names no field (a conflict, a forbidden action, a
  // refused token, a refused batch) carries its reason as a detail under no
  // field and no index: that detail is the message, the items of a batch
  // are listed beside it.
  function sayError(e) {
    var ds = e.details || [];
    var reasons = ds.filter(function (d) { return !d.field && d.index === undefined; });
    if (reasons.length && reasons.length < ds.length && ds.every(function (d) { return d.index !== undefined || !d.field; })) ds = reasons;
    if (!ds.length || ds.some(function (d) { return d.index !== undefined || !(d.code && (FIELD_MESSAGES[d.code] || DCC_NOTES[d.code])); })) return e.message;
    return ds.map(sayDetail).join(T('；', '; '));
  }
  // sayNote is a DCC mapping note in the language, from its code and
  // params; its English message for a code this console does not know.
  function sayNote(p) {
    var t = p && p.code && DCC_NOTES[p.code];
    if (!t) return (p && p.message) || '';
    return t[LANG === 'en' ? 1 : 0].replace(/\{([a-z_]+)(?::([a-z_]+))?\}/g, function (all, name, key) { return sayParam(p.params || {}, name, key); });
  }
  // saySchema sums a DCC's schema check up in the language: how many
  // errors a validated DCC has; why it was not validated only as the
  // validator says it (English), the badge beside it saying the outcome.
  function saySchema(sc) {
    if (!sc.validated) {
      var r = sc.reason && SCHEMA_REASONS[sc.reason];
      if (!r) return sc.message || '';
      return r[LANG === 'en' ? 1 : 0].replace(/\{([a-z_]+)\}/g, function (all, name) { return sayParam(sc.params || {}, name); });
    }
    if (LANG === 'en') return sc.message || '';
    var n = (sc.errors || []).length;
    if (!n) return T('符合 DCC 模式 ' + sc.version + '（D-SI 2.2.0）', '');
    return '共 ' + n + (sc.truncated ? '+' : '') + ' 处错误' + (sc.truncated ? '（仅列出前 ' + n + ' 处）' : '');
  }
  // saySignature is why a DCC's signature check failed, in the language
  // from its reason codes; its English reason when a code is not known.
  function saySignature(sg) {
    var rs = sg.reasons || [];
    if (!rs.length || rs.some(function (r) { return !SIGNATURE_REASONS[r.code]; })) return sg.reason || '';
    return rs.map(function (r) {
      return SIGNATURE_REASONS[r.code][LANG === 'en' ? 1 : 0].replace(/\{([a-z_]+)\}/g, function (all, name) { return sayParam(r.params || {}, name); });
    }).join(T('；', '; '));
  }
  function levelLabel(v) { return LEVEL_LABEL[v] ? T(LEVEL_LABEL[v][0], LEVEL_LABEL[v][1]) : v; }
  function kindLabel(plural) { var k = KIND_LABEL[plural]; return k ? T(k[0], k[1]) : plural; }

  // ---- DOM helpers ----------------------------------------------------------

  // h builds an element: h('a', {href: '#'}, 'text', child, [more]).
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === 'class') el.className = v;
        else if (k === 'style') el.setAttribute('style', v);
        else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? '' : String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function append(el, c) {
    if (c === undefined || c === null || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { append(el, x); }); return; }
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  function $(id) { return document.getElementById(id); }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
  function show(el) { clear(el); for (var i = 1; i < arguments.length; i++) append(el, arguments[i]); }
  // bi renders a label in the console's language.
  function bi(zh, en) { return h('span', {class: 'label-text'}, T(zh, en)); }
  function loading(zh, en) { return h('div', {class: 'loading'}, T(zh, en) + '…'); }
  function enc(s) { return encodeURIComponent(s); }
  function recordHref(plural, id) { return '#/record/' + plural + '/' + enc(id); }
  function idLink(plural, id) {
    return h('a', {href: recordHref(plural, id), class: 'mono', 'data-id': id}, id);
  }
  function badge(text, cls) { return h('span', {class: 'badge' + (cls ? ' ' + cls : '')}, text); }
  function checkLabel(name) { var l = CHECK_LABEL[name]; return l ? T(l[0], l[1]) : name.replace(/_/g, ' '); }
  function fieldLabel(name) { var l = FIELD_LABEL[name]; return l ? T(l[0], l[1]) : name.replace(/_/g, ' '); }
  // fmtTime shows a timestamp in Asia/Shanghai to the second,
  // YYYY-MM-DD HH:MM:SS.
  function fmtTime(iso) {
    if (!iso) return '';
    var d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso);
    var parts = {};
    new Intl.DateTimeFormat('en-GB', {timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false}).formatToParts(d).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + '-' + parts.month + '-' + parts.day + ' ' + (parts.hour === '24' ? '00' : parts.hour) + ':' + parts.minute + ':' + parts.second;
  }
  function today() {
    var d = new Date();
    return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
  }

  // ---- token ------------------------------------------------------------------

  function getToken() { try { return localStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; } }
  function setToken(t) {
    try { if (t) localStorage.setItem(TOKEN_KEY, t); else localStorage.removeItem(TOKEN_KEY); } catch (e) { /* private mode */ }
    renderTokenButton();
  }
  // claimsOf decodes a JWT's payload for display only; the server verifies it.
  function claimsOf(token) {
    var parts = (token || '').split('.');
    if (parts.length !== 3) return null;
    try {
      var b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
      while (b64.length % 4) b64 += '=';
      var bin = atob(b64);
      var bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) { return null; }
  }
  function describeClaims(c) {
    if (!c) return '';
    var who = [roleLabel(c.role), c.institution, c.msp].filter(Boolean).join(' · ');
    if (c.exp) {
      var exp = new Date(c.exp * 1000);
      var expired = exp.getTime() < Date.now();
      who += (expired ? T(' · 已过期 ', ' · expired ') : T(' · 有效至 ', ' · expires ')) + fmtTime(exp.toISOString());
    }
    return who;
  }
  // checkToken resolves when a token is usable: a JWT whose claims name a
  // role of the vocabulary, not expired, that the gateway accepts (a
  // search with it is not refused with 401). It rejects with the reason.
  function checkToken(t) {
    if (!t) return Promise.reject(T('请粘贴令牌。', 'Paste a token.'));
    var c = claimsOf(t);
    if (!c) return Promise.reject(T('这不是 JWT 令牌（应为以点分隔的三段）。', 'This is not a JWT (three dot-separated parts).'));
    if (c.exp && c.exp * 1000 < Date.now()) return Promise.reject(T('令牌已于 ', 'The token expired on ') + fmtTime(new Date(c.exp * 1000).toISOString()) + T(' 过期。', '.'));
    if ((VOCAB.roles || []).length && VOCAB.roles.indexOf(c.role) < 0) {
      return Promise.reject(T('令牌的角色 “', 'The token\'s role “') + (c.role || '') + T('” 不是网关的角色：', '” is not one of the gateway\'s roles: ') + VOCAB.roles.join(', '));
    }
    return fetch(API + '/search?q=' + enc(c.institution || 'a') + '&limit=1', {headers: {Authorization: 'Bearer ' + t, Accept: 'application/json'}, cache: 'no-store'})
      .then(function (res) {
        if (res.status !== 401) return;
        return res.json().catch(function () { return {}; }).then(function (body) {
          throw T('网关拒绝了此令牌：', 'The gateway refused this token: ') + ((body.error && sayError(body.error)) || 'HTTP 401');
        });
      }, function (e) { throw T('无法连接网关：', 'Cannot reach the gateway: ') + e.message; });
  }
  function renderTokenButton() {
    var t = getToken(), c = claimsOf(t), btn = $('token-button');
    if (!t) {
      btn.setAttribute('data-state', 'none');
      $('token-label').textContent = T('未设置令牌', 'No token');
      return;
    }
    var expired = c && c.exp && c.exp * 1000 < Date.now();
    btn.setAttribute('data-state', !c ? 'bad' : (expired ? 'expired' : 'set'));
    $('token-label').textContent = c ? [roleLabel(c.role), c.institution].filter(Boolean).join(' · ') + (expired ? T(' · 已过期', ' · expired') : '') : T('令牌无法解析', 'Token unreadable');
  }
  function openTokenDialog(reason) {
    var d = $('token-dialog');
    $('token-input').value = getToken();
    $('token-claims').textContent = describeClaims(claimsOf(getToken()));
    var r = $('token-reason');
    if (reason) { r.textContent = reason; r.hidden = false; } else { r.hidden = true; }
    if (!d.open) {
      if (typeof d.showModal === 'function') d.showModal(); else d.setAttribute('open', '');
    }
    $('token-input').focus();
  }
  function closeTokenDialog() {
    var d = $('token-dialog');
    if (typeof d.close === 'function') d.close(); else d.removeAttribute('open');
  }

  // ---- API ----------------------------------------------------------------------

  // ApiError is an error answer of the API, or a failure to reach it.
  function ApiError(status, code, message, requestId) {
    this.status = status; this.code = code; this.message = message; this.requestId = requestId;
  }

  // api calls the API and resolves to the decoded JSON answer; an error
  // answer rejects with an ApiError, and a 401 also opens the token dialog.
  function api(method, path, opts) {
    opts = opts || {};
    var headers = {Accept: 'application/json'};
    var token = getToken();
    if (token && opts.auth !== false) headers.Authorization = 'Bearer ' + token;
    if (opts.contentType) headers['Content-Type'] = opts.contentType;
    return fetch(API + path, {method: method, headers: headers, body: opts.body, cache: 'no-store'})
      .catch(function (e) {
        throw new ApiError(0, 'network', T('无法连接网关', 'Cannot reach the gateway') + ': ' + e.message, '');
      })
      .then(function (res) {
        var rid = res.headers.get('X-Request-ID') || '';
        return res.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          if (res.ok) {
            if (data === null) throw new ApiError(res.status, 'bad_answer', 'The gateway answered with something that is not JSON', rid);
            return data;
          }
          var err = data && data.error ? data.error : {};
          var e = new ApiError(res.status, err.code || ('http_' + res.status), err.message || text || res.statusText, rid);
          e.details = err.details || [];
          if (res.status === 401 && opts.auth !== false) {
            openTokenDialog((token ? T('令牌被拒绝（bearer token refused）：', 'The bearer token was refused: ') : T('需要访问令牌（bearer token）：', 'A bearer token is needed: ')) + sayError(e));
          }
          throw e;
        });
      });
  }

  // apiSVG fetches a picture of the API (image/svg+xml) and resolves to
  // its <svg> element, imported into this document. The picture is drawn by
  // the gateway, which escapes every record's text; scripts, foreign
  // objects and event attributes are dropped all the same.
  function apiSVG(path) {
    var headers = {Accept: 'image/svg+xml, application/json'};
    var token = getToken();
    if (token) headers.Authorization = 'Bearer ' + token;
    return fetch(API + path, {headers: headers, cache: 'no-store'}).catch(function (e) {
      throw new ApiError(0, 'network', T('无法连接网关', 'Cannot reach the gateway') + ': ' + e.message, '');
    }).then(function (res) {
      var rid = res.headers.get('X-Request-ID') || '';
      return res.text().then(function (text) {
        if (!res.ok) {
          var data = null;
          try { data = JSON.parse(text); } catch (e) { data = null; }
          var err = data && data.error ? data.error : {};
          throw new ApiError(res.status, err.code || ('http_' + res.status), err.message || res.statusText, rid);
        }
        var doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        var svg = doc.documentElement;
        if (!svg || svg.nodeName !== 'svg') throw new ApiError(res.status, 'bad_answer', 'The gateway answered with something that is not SVG', rid);
        svg.querySelectorAll('script, foreignObject').forEach(function (x) { x.parentNode.removeChild(x); });
        svg.querySelectorAll('*').forEach(function (x) {
          Array.prototype.slice.call(x.attributes).forEach(function (a) { if (/^on/i.test(a.name)) x.removeAttribute(a.name); });
        });
        return document.importNode(svg, true);
      });
    });
  }

  // graphPanel shows a picture of the API with a switch folding passing
  // checks; a click on an edge (a certificate) shows its checks, from
  // linkOf(certificate id) when the answer has them.
  function graphPanel(id, title, path, linkOf) {
    var box = h('div', {class: 'graph-box', id: id + '-box'}, loading('绘制中', 'Drawing'));
    var detail = h('div', {class: 'edge-detail', id: id + '-edge'},
      h('div', {class: 'hint'}, bi('点击图中的连线（证书）查看其核查项。', 'Click an edge (a certificate) to see its checks.')));
    var compact = h('input', {type: 'checkbox', id: id + '-compact', checked: true});
    function load() {
      show(box, loading('绘制中', 'Drawing'));
      apiSVG(path + (path.indexOf('?') < 0 ? '?' : '&') + 'lang=' + LANG + '&view=' + (compact.checked ? 'compact' : 'full')).then(function (svg) {
        show(box, svg);
        box.setAttribute('data-loaded', 'true');
      }).catch(function (e) { show(box, errorBox(e)); });
    }
    compact.addEventListener('change', load);
    box.addEventListener('click', function (ev) {
      var g = ev.target && ev.target.closest ? ev.target.closest('g.edge') : null;
      if (!g) return;
      box.querySelectorAll('g.edge.selected').forEach(function (x) { x.classList.remove('selected'); });
      g.classList.add('selected');
      var cert = g.getAttribute('data-certificate') || '';
      var link = linkOf ? linkOf(cert) : null;
      show(detail,
        h('h3', {}, bi('证书', 'Certificate'), ' ', idLink('certificates', cert), ' ',
          h('span', {class: 'data'}, (g.getAttribute('data-from') || '') + ' → ' + (g.getAttribute('data-to') || ''))),
        link ? checkList(link.checks) : h('div', {class: 'hint'}, bi('此证书使用了失准标准（或其下游标准）。', 'This certificate used the faulty standard, or a standard it affected.')));
      detail.setAttribute('data-certificate', cert);
    });
    load();
    return h('div', {class: 'panel graph', id: id},
      h('div', {class: 'graph-head'}, h('h2', {}, title),
        linkOf ? h('label', {class: 'toggle'}, compact, ' ', bi('折叠通过的核查', 'Fold passing checks')) : null),
      box, detail);
  }

  // apiFile fetches a file answer of the API (a report, a CSV) with the
  // token and resolves to a Blob.
  function apiFile(path) {
    var headers = {};
    var token = getToken();
    if (token) headers.Authorization = 'Bearer ' + token;
    return fetch(API + path, {headers: headers, cache: 'no-store'}).then(function (res) {
      if (res.ok) return res.blob();
      return res.json().catch(function () { return {}; }).then(function (body) {
        var err = body.error || {};
        throw new ApiError(res.status, err.code || ('http_' + res.status), err.message || res.statusText, res.headers.get('X-Request-ID') || '');
      });
    });
  }
  // fileButton offers a file of the API: open (a report, to print) or
  // save (a CSV). Errors show next to the button.
  function fileButton(id, label, path, save) {
    var note = h('span', {class: 'file-note', id: id + '-note'});
    var b = h('button', {type: 'button', class: 'ghost small', id: id, onclick: function () {
      show(note, T('生成中…', 'Preparing…'));
      apiFile(path).then(function (blob) {
        var url = URL.createObjectURL(blob);
        if (save) {
          var a = h('a', {href: url, download: save});
          document.body.appendChild(a);
          a.click();
          document.body.removeChild(a);
        } else {
          var w = window.open(url, '_blank');
          if (w) w.addEventListener('load', function () { w.print(); });
        }
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        clear(note);
        note.setAttribute('data-state', 'done');
      }).catch(function (e) { show(note, errorBox(e)); });
    }}, label);
    return h('span', {class: 'file-action'}, b, note);
  }

  function errorBox(e) {
    if (!(e instanceof ApiError)) e = new ApiError(0, 'console', String(e && e.message || e), '');
    var hint = null;
    if (e.status === 401) hint = [' ', h('button', {type: 'button', class: 'ghost small', onclick: function () { openTokenDialog(); }}, T('设置令牌', 'Set token'))];
    // The hint follows the message as a sentence of its own: the message
    // is ended first when it does not end itself.
    var said = sayError(e), ended = /[。．.！!？?]$/.test(said);
    if (e.status === 403) hint = h('span', {class: 'role-hint'}, T((ended ? '' : '。') + '当前令牌的角色无权执行此操作。', (ended ? ' ' : '. ') + 'This token\'s role may not do this.'));
    // A detail without a field is the error itself, said in the message.
    var list = (e.details || []).filter(function (d) { return d.field || d.index !== undefined; });
    return h('div', {class: 'error', role: 'alert', 'data-code': e.code, 'data-status': e.status},
      h('span', {class: 'code', title: e.code}, errorLabel(e.code)), h('span', {class: 'message', title: e.message}, said), hint,
      h('span', {class: 'meta'}, (e.status ? 'HTTP ' + e.status : '') + (e.requestId ? T(' · 请求 ', ' · request ') + e.requestId : '')),
      list.length ? h('ul', {class: 'problems details'}, list.map(function (d) {
        return h('li', {'data-field': d.field || '', 'data-code': d.code || ''}, h('span', {class: 'mono'}, d.field ? fieldName(d.field) : '#' + d.index), ' ',
          h('span', {title: d.message}, d.index !== undefined && !d.field ? sayItem(d) : sayDetail(d)));
      })) : null);
  }

  // ---- value rendering ------------------------------------------------------------

  function num(v) { return typeof v === 'number' ? String(+v.toPrecision(12)) : String(v); }
  function fmtQuantity(v) {
    if (v && typeof v === 'object' && 'min' in v && 'max' in v) return num(v.min) + ' – ' + num(v.max) + ' ' + (v.unit || '');
    if (v && typeof v === 'object' && 'value' in v && !('institution_id' in v)) {
      var s = num(v.value) + (v.relative ? ' (relative)' : (v.unit ? ' ' + v.unit : ''));
      if (v.k) s = 'U = ' + s + ', k = ' + num(v.k);
      if (v.uncertainty && typeof v.uncertainty === 'object') s += ' ± ' + fmtQuantity(v.uncertainty);
      return s;
    }
    return null;
  }
  function renderValue(key, v) {
    if (v === null || v === undefined || v === '') return h('span', {class: 'muted'}, '—');
    var plural = ID_FIELDS[key];
    if (plural && typeof v === 'string') return idLink(plural, v);
    if (plural && Array.isArray(v)) return v.length ? v.map(function (x, i) { return [i ? ', ' : '', idLink(plural, x)]; }) : h('span', {class: 'muted'}, '—');
    if (typeof v === 'boolean') return v ? T('是', 'yes') : T('否', 'no');
    if (key === 'level' && LEVEL_LABEL[v]) return badge(levelLabel(v), v === 'primary' ? 'primary' : '');
    if (key === 'status') return badge(valueLabel('status', v), v === 'active' || v === 'valid' ? 'ok' : 'bad');
    if (key === 'conformity') return badge(valueLabel('conformity', v), v === 'pass' ? 'ok' : 'bad');
    if (key === 'dcc_sha256') return h('span', {class: 'hash'}, v);
    if (/(_on|_until|_from|^since)$/.test(key) && typeof v === 'string') return v.slice(0, 10);
    if (/(timestamp|_at)$/.test(key) && typeof v === 'string') return fmtTime(v);
    var q = fmtQuantity(v);
    if (q !== null) return q;
    if (typeof v === 'string' && VALUE_LABEL[key]) return valueLabel(key, v);
    if (Array.isArray(v)) {
      if (!v.length) return h('span', {class: 'muted'}, '—');
      if (typeof v[0] !== 'object') return v.map(function (x) { return valueLabel(key, x); }).join(', ');
      return objectTable(v);
    }
    if (typeof v === 'object') return fieldsTable(v);
    return String(v);
  }
  function objectTable(list) {
    var cols = [];
    list.forEach(function (o) { Object.keys(o).forEach(function (k) { if (cols.indexOf(k) < 0) cols.push(k); }); });
    return h('table', {},
      h('thead', {}, h('tr', {}, cols.map(function (c) { return h('th', {}, fieldLabel(c)); }))),
      h('tbody', {}, list.map(function (o) { return h('tr', {}, cols.map(function (c) { return h('td', {}, renderValue(c, o[c])); })); })));
  }
  function fieldsTable(obj, skip) {
    return h('table', {class: 'fields'}, h('tbody', {}, Object.keys(obj).filter(function (k) { return !skip || skip.indexOf(k) < 0; }).map(function (k) {
      var l = fieldLabel(k);
      return h('tr', {'data-field': k}, h('th', {}, l), h('td', {}, renderValue(k, obj[k])));
    })));
  }
  function checkList(checks) {
    return h('ul', {class: 'checks'}, (checks || []).map(function (c) {
      var l = checkLabel(c.name);
      return h('li', {class: 'check ' + (c.ok ? 'ok' : 'bad'), 'data-check': c.name, 'data-ok': String(!!c.ok)},
        h('span', {class: 'icon', 'aria-label': c.ok ? 'pass' : 'fail'}, c.ok ? '✓' : '✗'),
        h('span', {class: 'name'}, l, h('code', {}, c.name)),
        h('span', {class: 'detail'}, MT.sayCheck ? MT.sayCheck(c) : (c.detail || '')));
    }));
  }
  // problemText shows a trace problem ("record: check: detail") with the
  // check named in the console's language; the detail is the rules'
  // English sentence.
  function problemText(p) {
    var m = /^([^:]+): ([a-z_]+): (.*)$/.exec(p || '');
    if (!m || !CHECK_LABEL[m[2]]) return p;
    return [h('span', {class: 'mono'}, m[1]), T('：', ': '), h('b', {}, checkLabel(m[2])), ' ', h('code', {}, m[2]), T('：', ': '),
      h('span', {class: 'detail', lang: 'en'}, m[3])];
  }
  function verdictBanner(ok, title, sub, attrs, cls) {
    var a = Object.assign({class: 'verdict ' + (cls || (ok ? 'ok' : 'bad')), role: 'status'}, attrs || {});
    return h('div', a,
      h('div', {class: 'mark', 'aria-hidden': 'true'}, cls === 'warn' ? '!' : (ok ? '✓' : '✗')),
      h('div', {}, h('div', {class: 'title'}, title), sub ? h('div', {class: 'sub'}, sub) : null));
  }

  // ---- router -------------------------------------------------------------------------

  // route parses the hash into a view name, path arguments and a query.
  function route() {
    var hash = location.hash.replace(/^#\/?/, '');
    var qi = hash.indexOf('?');
    var path = qi < 0 ? hash : hash.slice(0, qi);
    var query = new URLSearchParams(qi < 0 ? '' : hash.slice(qi + 1));
    var parts = path.split('/').filter(Boolean).map(function (p) {
      try { return decodeURIComponent(p); } catch (e) { return p; }
    });
    return {view: parts[0] || 'home', args: parts.slice(1), query: query};
  }
  // RENDER_HOOKS run on every render, RECORD_HOOKS once a record page is
  // shown (forms.js adds its tab and the actions on a record).
  var RENDER_HOOKS = [], RECORD_HOOKS = [];
  var VIEWS = {home: showHome, search: showSearch, record: showRecord, trace: showTrace,
    impact: showImpact, recognition: showRecognition, verify: showVerify, import: showImport};
  // seq numbers renders, so an answer that arrives after the user moved on
  // is dropped.
  var seq = 0;
  function render() {
    var r = route();
    var fn = VIEWS[r.view] || showHome;
    var view = VIEWS[r.view] ? r.view : 'home';
    document.querySelectorAll('.view').forEach(function (s) { s.hidden = s.id !== 'view-' + view; });
    var importTab = document.querySelector('.tabs a[data-view="import"]');
    if (importTab) importTab.hidden = !mayCreate('certificate');
    document.querySelectorAll('.tabs a').forEach(function (a) {
      var v = a.getAttribute('data-view');
      a.classList.toggle('active', v === view || (view === 'record' && v === 'search'));
    });
    seq++;
    RENDER_HOOKS.forEach(function (hook) { hook(r, view); });
    fn(r, seq);
  }
  function current(n) { return n === seq; }
  function go(hash) {
    if (location.hash === hash) render(); else location.hash = hash;
  }

  // ---- views ---------------------------------------------------------------------------

  function showHome() { document.title = T('metrotrace · 京津冀量值溯源', 'metrotrace · BTH traceability'); }

  function showSearch(r, n) {
    var q = r.query.get('q') || '';
    $('search-q').value = q;
    var out = $('search-result');
    document.title = (q ? q + ' · ' : '') + T('检索', 'Search') + ' · metrotrace';
    if (!q) { clear(out); return; }
    show(out, loading('检索中', 'Searching'));
    api('GET', '/search?q=' + enc(q) + '&limit=100').then(function (res) {
      if (!current(n)) return;
      var hits = res.hits || [];
      if (!hits.length) { show(out, h('div', {class: 'panel empty', 'data-count': 0}, T('没有匹配“' + q + '”的记录。', 'No record matches “' + q + '”.'))); return; }
      show(out, h('div', {class: 'panel'},
        h('h2', {}, bi('检索结果', 'Results'), h('span', {class: 'count'}, hits.length + (res.more ? '+' : ''))),
        res.more ? h('p', {class: 'notice', id: 'search-more', 'data-more': 'true'}, T('匹配的记录多于 ' + hits.length + ' 条，这里只列出前 ' + hits.length + ' 条：请细化关键词。',
          'More than ' + hits.length + ' records match; the first ' + hits.length + ' are listed: refine the query.')) : null,
        h('table', {class: 'hits', 'data-count': hits.length},
          h('thead', {}, h('tr', {}, h('th', {}, T('类型', 'Kind')), h('th', {}, T('编号', 'Id')), h('th', {}, T('名称', 'Name')), h('th', {}, ''))),
          h('tbody', {}, hits.map(function (hit) {
            var plural = PLURAL[hit.doc_type] || hit.doc_type + 's';
            var kl = KIND_LABEL[plural] || [hit.doc_type, ''];
            var quick = null;
            if (hit.doc_type === 'standard' || hit.doc_type === 'instrument') quick = h('a', {class: 'button', href: '#/trace/' + enc(hit.id)}, T('溯源', 'Trace'));
            if (hit.doc_type === 'certificate') quick = h('a', {class: 'button', href: '#/recognition?certificate=' + enc(hit.id)}, T('互认', 'Recognition'));
            return h('tr', {class: 'hit', 'data-doc-type': hit.doc_type},
              h('td', {}, badge(kindLabel(plural))), h('td', {}, idLink(plural, hit.id)), h('td', {}, hit.name || ''), h('td', {}, quick));
          })))));
    }).catch(function (e) { if (current(n)) show(out, errorBox(e)); });
  }

  function fetchRecord(plural, id) {
    if (plural !== 'subjects') return api('GET', '/' + plural + '/' + enc(id)).then(function (rec) { return {plural: plural, rec: rec}; });
    // A subject is an instrument or a standard.
    return fetchRecord('instruments', id).catch(function (e) {
      if (e.status !== 404) throw e;
      return fetchRecord('standards', id);
    });
  }

  function showRecord(r, n) {
    var plural = r.args[0] || '', id = r.args[1] || '';
    var out = $('record-result');
    document.title = id + ' · metrotrace';
    if (!KIND_LABEL[plural] || !id) { show(out, errorBox(new ApiError(0, 'not_found', 'No such page: ' + location.hash, ''))); return; }
    show(out, loading('读取中', 'Loading'));
    fetchRecord(plural, id).then(function (got) {
      if (!current(n)) return;
      plural = got.plural;
      var rec = got.rec, kl = KIND_LABEL[plural];
      var actions = [];
      if (plural === 'instruments' || plural === 'standards') actions.push(h('a', {class: 'button', href: '#/trace/' + enc(id)}, T('溯源', 'Trace')));
      if (plural === 'standards') actions.push(h('a', {class: 'button', href: '#/impact/' + enc(id)}, T('影响分析', 'Impact')));
      if (plural === 'certificates') {
        actions.push(h('a', {class: 'button', href: '#/recognition?certificate=' + enc(id)}, T('互认', 'Recognition')));
        if (rec.subject_id) actions.push(h('a', {class: 'button', href: '#/trace/' + enc(rec.subject_id) + '?at=' + enc(rec.performed_on || '')}, T('溯源被校对象', 'Trace subject')));
      }
      var history = h('div', {class: 'panel', id: 'record-history'}, h('h2', {}, bi('历史版本', 'History')), loading('读取中', 'Loading'));
      show(out,
        h('div', {class: 'record-head', 'data-record': plural + '/' + id},
          badge(kindLabel(plural)), h('h1', {class: 'mono'}, id), rec.name ? h('span', {class: 'lead', style: 'margin:0'}, rec.name) : null,
          h('div', {class: 'actions'}, actions)),
        h('div', {class: 'panel'}, fieldsTable(rec, ['id'])),
        history);
      if (MT.recordExtras[plural]) MT.recordExtras[plural](rec, out, n);
      RECORD_HOOKS.forEach(function (hook) { hook(plural, rec, out, n); });
      api('GET', '/' + plural + '/' + enc(id) + '/history').then(function (hist) {
        if (!current(n)) return;
        var versions = hist.versions || [];
        var prev = null;
        show(history, h('h2', {}, bi('历史版本', 'History'), h('span', {class: 'count'}, versions.length)),
          versions.length ? h('table', {},
            h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, T('时间（北京时间）', 'Time (Asia/Shanghai)')), h('th', {}, T('交易', 'Transaction')), h('th', {}, T('变更', 'Changes')))),
            h('tbody', {}, versions.map(function (v, i) {
              var changed = diffKeys(prev, v.value);
              prev = v.value;
              return h('tr', {},
                h('td', {}, String(i + 1)),
                h('td', {}, fmtTime(v.timestamp)),
                h('td', {}, h('span', {class: 'hash', title: v.tx_id}, (v.tx_id || '').slice(0, 16) + ((v.tx_id || '').length > 16 ? '…' : '')),
                  h('details', {class: 'audit'}, h('summary', {}, T('审计', 'audit')),
                    h('div', {class: 'hint'}, T('区块证明（运维人员，在 Fabric 网络上执行）：', 'Block proof (operator, on a Fabric network):')),
                    h('pre', {class: 'json'}, 'metrotrace-ops audit ' + (v.tx_id || '') + ' --connection .network/connection.json'))),
                h('td', {}, v.is_delete ? badge(T('删除', 'deleted'), 'bad') : (i === 0 ? badge(T('创建', 'created'), 'ok') : changed.join(', ')),
                  h('details', {}, h('summary', {}, 'JSON'), h('pre', {class: 'json'}, JSON.stringify(v.value, null, 2)))));
            }))) : h('div', {class: 'empty'}, T('无历史', 'No history')));
      }).catch(function (e) { if (current(n)) show(history, h('h2', {}, bi('历史版本', 'History')), errorBox(e)); });
    }).catch(function (e) { if (current(n)) show(out, errorBox(e)); });
  }
  function diffKeys(a, b) {
    if (!a || !b) return [];
    var keys = {};
    Object.keys(a).concat(Object.keys(b)).forEach(function (k) { keys[k] = true; });
    return Object.keys(keys).filter(function (k) { return JSON.stringify(a[k]) !== JSON.stringify(b[k]); });
  }

  function showTrace(r, n) {
    var subject = r.args[0] || '', at = r.query.get('at') || '';
    $('trace-subject').value = subject;
    $('trace-at').value = at;
    var out = $('trace-result');
    document.title = (subject ? subject + ' · ' : '') + T('溯源', 'Trace') + ' · metrotrace';
    if (!subject) { clear(out); return; }
    show(out, loading('溯源中', 'Tracing'));
    api('GET', '/trace/' + enc(subject) + (at ? '?at=' + enc(at) : '')).then(function (rep) {
      if (!current(n)) return;
      renderTrace(out, rep, n);
    }).catch(function (e) { if (current(n)) show(out, errorBox(e)); });
  }

  function renderTrace(out, rep, n) {
    var links = rep.links || [], problems = rep.problems || [];
    var deepest = links.reduce(function (m, l) { return Math.max(m, l.depth || 0); }, -1);
    var subjects = {};
    links.forEach(function (l) { subjects[l.subject_id] = true; });
    var sub = [h('span', {class: 'mono'}, rep.subject_id), T(' · 溯源日期 ', ' · traced on '), h('b', {}, rep.at),
      ' · ', String(links.length), T(' 个环节', ' links')];
    if (links.length) sub.push(' · ', String(deepest + 2), T(' 级', ' levels'));
    var banner = rep.traceable
      ? verdictBanner(true, T('可溯源', 'Traceable'), sub, {'data-verdict': 'traceable', 'data-subject': rep.subject_id, 'data-links': links.length})
      : verdictBanner(false, T('不可溯源', 'Not traceable'), sub, {'data-verdict': 'not-traceable', 'data-subject': rep.subject_id, 'data-links': links.length});
    var parts = [banner, h('div', {class: 'result-actions'},
      fileButton('trace-report', T('打印溯源报告', 'Print the report'), '/reports/trace/' + enc(rep.subject_id) + '?at=' + enc(rep.at)))];
    if (problems.length) {
      parts.push(h('div', {class: 'panel', id: 'trace-problems'},
        h('h2', {}, bi('问题', 'Problems'), h('span', {class: 'count', style: 'background:var(--bad)'}, problems.length)),
        h('ul', {class: 'problems'}, (MT.sayProblem && rep.problem_details ? rep.problem_details : problems).map(function (p) {
          return h('li', {}, h('span', {}, typeof p === 'string' ? problemText(p) : MT.sayProblem(p)));
        }))));
    }
    var roots = [];
    var chain = h('ol', {class: 'chain'});
    if (!links.length && rep.traceable) {
      chain.appendChild(h('li', {class: 'root-node', style: '--depth: 0'}, h('div', {class: 'link-card'},
        badge(T('计量基准', 'primary'), 'primary'), ' ', h('span', {class: 'mono'}, rep.subject_id), ' ',
        h('span', {class: 'muted'}, T('本身即为计量基准，无需上级证书。', 'A primary standard is a root: it needs no certificate.')))));
    }
    links.forEach(function (l, i) {
      var failing = (l.checks || []).some(function (c) { return !c.ok; });
      var refs = l.reference_ids || [];
      chain.appendChild(h('li', {class: 'link' + (failing ? ' failing' : '') + (l.depth ? '' : ' top'), style: '--depth: ' + (l.depth || 0),
        'data-depth': l.depth || 0, 'data-certificate': l.certificate_id || '', 'data-ok': String(!failing)},
      h('div', {class: 'link-card'},
        h('div', {class: 'link-head'},
          h('span', {class: 'step'}, 'L' + (i + 1)),
          h('span', {class: 'subject'}, idLink('subjects', l.subject_id)),
          h('span', {class: 'kv'}, T('证书 ', 'certificate '), l.certificate_id ? idLink('certificates', l.certificate_id) : h('b', {}, T('无', 'none'))),
          l.issuer_id ? h('span', {class: 'kv'}, T('出具机构 ', 'issuer '), idLink('institutions', l.issuer_id)) : null,
          refs.length ? h('span', {class: 'kv'}, T('参考标准 ', 'references '), refs.map(function (x, j) { return [j ? ', ' : '', idLink('standards', x)]; })) : null,
          l.used_on ? h('span', {class: 'kv'}, T('参考标准使用日期 ', 'references used on '), h('b', {}, l.used_on)) : null),
        checkList(l.checks))));
      refs.forEach(function (ref) {
        if (subjects[ref]) return;
        var node = h('li', {class: 'root-node', style: '--depth: ' + ((l.depth || 0) + 1), 'data-standard': ref},
          h('div', {class: 'link-card'}, h('div', {class: 'link-head'},
            h('span', {class: 'subject'}, idLink('standards', ref)), h('span', {class: 'kv root-info'}, '…'))));
        chain.appendChild(node);
        roots.push({id: ref, node: node});
      });
    });
    var byCert = {};
    links.forEach(function (l) { if (l.certificate_id) byCert[l.certificate_id] = l; });
    parts.push(graphPanel('trace-graph', bi('溯源图', 'Chain picture'),
      '/trace/' + enc(rep.subject_id) + '/graph.svg?at=' + enc(rep.at), function (c) { return byCert[c]; }));
    parts.push(h('details', {class: 'panel chain-details'},
      h('summary', {}, h('h2', {}, bi('逐级明细', 'Link by link'), h('span', {class: 'count'}, links.length))),
      chain));
    show(out, parts);
    // Describe the roots of the chain: primary standards, or dead ends.
    roots.forEach(function (root) {
      api('GET', '/standards/' + enc(root.id)).then(function (s) {
        if (!current(n)) return;
        var info = root.node.querySelector('.root-info');
        show(info, s.level === 'primary' ? badge(T('计量基准', 'primary standard'), 'primary') : badge(levelLabel(s.level) + T(' · 非基准', ' · not primary'), 'warn'),
          ' ', h('span', {class: 'data'}, s.name || ''), s.institution_id ? [' · ', idLink('institutions', s.institution_id)] : null);
      }).catch(function () {
        var info = root.node.querySelector('.root-info');
        if (info) show(info, badge(T('未找到', 'not found'), 'bad'));
      });
    });
  }

  function showImpact(r, n) {
    var standard = r.args[0] || '', since = r.query.get('since') || '';
    $('impact-standard').value = standard;
    $('impact-since').value = since;
    var out = $('impact-result');
    document.title = (standard ? standard + ' · ' : '') + T('影响分析', 'Impact') + ' · metrotrace';
    if (!standard) { clear(out); return; }
    if (!since) { show(out, h('div', {class: 'notice'}, T('请选择失准起始日期（最后一次确认合格之日）。', 'Choose the date since which the standard is suspect (the last day it was known good).'))); return; }
    show(out, loading('分析中', 'Analysing'));
    api('GET', '/impact/' + enc(standard) + '?since=' + enc(since) + '&paths=true').then(function (set) {
      if (!current(n)) return;
      var paths = set.paths || {};
      var groups = [
        ['certificates', '受影响证书', 'Certificates'], ['instruments', '受影响计量器具', 'Instruments'],
        ['standards', '受影响计量标准', 'Standards'], ['institutions', '涉及机构', 'Institutions']];
      var total = groups.reduce(function (s, g) { return s + (set[g[0]] || []).length; }, 0);
      show(out,
        verdictBanner(total === 0, total === 0 ? T('无受影响记录', 'Nothing affected') : T('发现受影响记录', 'Records affected'),
          [h('span', {class: 'mono'}, set.standard_id), T(' · 失准起始日期 ', ' · suspect since '), h('b', {}, set.since)],
          {'data-standard': set.standard_id, 'data-total': total}, total === 0 ? 'ok' : 'warn'),
        h('div', {class: 'summary'}, groups.map(function (g) {
          return h('div', {class: 'stat', 'data-group': g[0]}, h('b', {}, String((set[g[0]] || []).length)), h('span', {}, T(g[1], g[2])));
        })),
        total ? h('div', {class: 'result-actions'}, fileButton('impact-csv', T('导出 CSV', 'Export CSV'),
          '/reports/impact/' + enc(set.standard_id) + '?since=' + enc(set.since), 'impact-' + set.standard_id + '-' + set.since + '.csv'),
          fileButton('impact-report', T('打印影响报告', 'Print the report'), '/reports/impact/' + enc(set.standard_id) + '?since=' + enc(set.since) + '&format=html')) : null,
        total ? graphPanel('impact-graph', bi('影响图', 'Impact picture'),
          '/impact/' + enc(set.standard_id) + '/graph.svg?since=' + enc(set.since), null) : null,
        h('div', {class: 'grid2'}, groups.map(function (g) {
          var ids = set[g[0]] || [];
          return h('div', {class: 'panel', id: 'impact-' + g[0]},
            h('h2', {}, bi(g[1], g[2]), h('span', {class: 'count'}, ids.length)),
            ids.length ? h('ul', {class: 'impact-list'}, ids.map(function (id) {
              var p = paths[id] || [];
              return h('li', {'data-id': id}, idLink(g[0], id),
                p.length ? h('span', {class: 'path'}, T('传递路径：', 'path: '), p.map(function (x, i) { return [i ? h('span', {class: 'arrow'}, '→') : null, h('span', {class: 'mono'}, x)]; })) : null);
            })) : h('div', {class: 'empty'}, T('无', 'none')));
        })));
    }).catch(function (e) { if (current(n)) show(out, errorBox(e)); });
  }

  function showRecognition(r, n) {
    var cert = r.query.get('certificate') || '', by = r.query.get('by') || '', at = r.query.get('at') || '';
    $('recognition-certificate').value = cert;
    $('recognition-at').value = at;
    loadInstitutions(by);
    var out = $('recognition-result');
    document.title = (cert ? cert + ' · ' : '') + T('互认', 'Recognition') + ' · metrotrace';
    if (!cert || !by) { clear(out); return; }
    show(out, loading('判定中', 'Deciding'));
    api('GET', '/recognition?certificate=' + enc(cert) + '&by=' + enc(by) + (at ? '&at=' + enc(at) : '')).then(function (d) {
      if (!current(n)) return;
      var checks = d.checks || [];
      var failed = checks.filter(function (c) { return !c.ok; }).length;
      var sub = [h('span', {class: 'mono'}, d.certificate_id), T(' · 承认机构 ', ' · by '), idLink('institutions', d.by), T(' · 判定日期 ', ' · on '), h('b', {}, d.at || '')];
      if (d.agreement_id) sub.push(T(' · 互认协议 ', ' · agreement '), idLink('agreements', d.agreement_id));
      show(out,
        d.recognized
          ? verdictBanner(true, T('予以承认', 'Recognized'), sub, {'data-verdict': 'recognized', 'data-certificate': d.certificate_id})
          : verdictBanner(false, T('不予承认', 'Not recognized'), sub, {'data-verdict': 'not-recognized', 'data-certificate': d.certificate_id}),
        h('div', {class: 'panel'},
          h('h2', {}, bi('核查项', 'Checks'), h('span', {class: 'count', style: failed ? 'background:var(--bad)' : 'background:var(--ok)'}, (checks.length - failed) + '/' + checks.length)),
          checkList(checks)),
        h('div', {class: 'panel'}, h('a', {href: recordHref('certificates', d.certificate_id)}, T('查看证书 →', 'View the certificate →'))));
    }).catch(function (e) { if (current(n)) show(out, errorBox(e)); });
  }

  // loadInstitutions fills the recognizing institution's list from the
  // ledger's institutions, keeping the chosen one.
  var institutionsLoaded = false;
  function loadInstitutions(selected) {
    var sel = $('recognition-by');
    function choose() {
      if (selected && !Array.prototype.some.call(sel.options, function (o) { return o.value === selected; })) {
        sel.appendChild(h('option', {value: selected}, selected));
      }
      sel.value = selected || sel.value;
    }
    if (institutionsLoaded || !getToken()) { choose(); return; }
    api('GET', '/institutions?page_size=' + ((VOCAB && VOCAB.max_page_size) || 100)).then(function (page) {
      institutionsLoaded = true;
      var keep = sel.value;
      clear(sel);
      sel.appendChild(h('option', {value: ''}, T('— 选择机构 —', '— choose an institution —')));
      (page.records || []).forEach(function (r) {
        sel.appendChild(h('option', {value: r.id}, r.id + ' · ' + (r.name || '') + (r.region ? ' (' + valueLabel('region', r.region) + ')' : '')));
      });
      selected = selected || keep;
      choose();
    }).catch(function () { choose(); });
  }

  function showVerify() {
    document.title = T('证书验真', 'Verify') + ' · metrotrace';
  }

  // Verification statuses of POST /verify, as banner titles.
  var VERIFY_STATUS = {
    valid: ['已上链锚定 · 证书有效', 'Anchored · valid', 'ok'],
    expired: ['已上链锚定 · 证书已过期', 'Anchored · expired', 'warn'],
    revoked: ['已上链锚定 · 证书已撤销', 'Anchored · revoked', 'bad'],
    superseded: ['已上链锚定 · 证书已被替代', 'Anchored · superseded', 'warn'],
    altered: ['文件已被篡改', 'Altered', 'bad'],
    not_anchored: ['未上链锚定', 'Not anchored', 'warn']
  };

  // verdictOf reads a verification: anchored, altered or not anchored.
  function verdictOf(res) {
    if (res.anchored) return 'anchored';
    if (res.altered) return 'altered';
    return 'not-anchored';
  }

  // dccTrustRows describes what the server found of a DCC's digest, schema
  // and signature: [field, zh, en, value] rows.
  function dccTrustRows(res) {
    var rows = [];
    if (res.matched) {
      rows.push(['matched', '匹配的摘要', 'digest matched', res.matched === 'c14n'
        ? T('规范化形式（C14N）', 'canonical form (C14N)') : T('原始字节', 'exact bytes')]);
    }
    var sc = res.schema;
    if (sc) {
      var scOK = sc.validated && !(sc.errors && sc.errors.length);
      rows.push(['schema', 'DCC 模式校验', 'DCC schema', [
        badge(sc.validated ? (scOK ? T('✓ 符合模式 ', '✓ valid ') : T('✗ 不符合模式 ', '✗ invalid ')) + sc.version : T('未校验 ', 'not validated ') + (sc.version || ''),
          sc.validated ? (scOK ? 'ok' : 'bad') : 'warn'), ' ', h('span', {class: 'schema-message', title: sc.message || ''}, saySchema(sc)),
        sc.errors && sc.errors.length ? h('ul', {class: 'problems'}, sc.errors.map(function (e) {
          return h('li', {}, h('span', {}, T('第 ' + e.line + ' 行 ' + e.element + '：', 'line ' + e.line + ' ' + e.element + ': ')), h('span', {class: 'data', lang: 'en'}, e.message));
        })) : null]]);
    }
    var sg = res.signature;
    if (sg) {
      var sgValue;
      if (!sg.present) {
        sgValue = badge(T('无签名', 'not signed'), 'warn');
      } else {
        sgValue = [
          badge(sg.valid ? T('✓ 签名有效', '✓ signature valid') : T('✗ 签名无效', '✗ signature invalid'), sg.valid ? 'ok' : 'bad'), ' ',
          badge(sg.chain_valid ? T('✓ 证书链有效', '✓ chain valid') : T('✗ 证书链无效', '✗ chain not valid'), sg.chain_valid ? 'ok' : 'bad'), ' ',
          badge(sg.registered ? T('✓ 已在链上登记', '✓ registered on the ledger') : T('✗ 未在链上登记', '✗ not registered'), sg.registered ? 'ok' : 'bad'),
          h('div', {}, T('签名者 ', 'signer ') + (sg.signer_subject || '—') + T('，颁发者 ', ', issuer ') + (sg.signer_issuer || '—') +
            (sg.signed_at ? T('，签名时间 ', ', signed ') + fmtTime(sg.signed_at) : '')),
          sg.reason ? h('div', {class: 'muted', 'data-field': 'reason', title: sg.reason}, saySignature(sg)) : null];
      }
      rows.push(['signature', '数字签名', 'signature', sgValue]);
    }
    return rows;
  }

  // mayCreate says whether the token's role may create a record of a doc
  // type, as the server's vocabulary lists its creators: actions a role may
  // not take are not offered.
  function mayCreate(docType) {
    var c = claimsOf(getToken()), kinds = VOCAB.kinds || [];
    if (!c || !c.role) return false;
    return kinds.some(function (k) { return k.doc_type === docType && (k.creators || []).indexOf(c.role) >= 0; });
  }

  function showImport() {
    document.title = T('导入 DCC', 'Import DCC') + ' · metrotrace';
    if (!mayCreate('certificate')) {
      show($('import-result'), h('div', {class: 'error', role: 'alert', 'data-code': 'forbidden'},
        T('导入证书需要记录员（recorder）令牌。', 'Importing a certificate needs a recorder token.')));
    }
  }

  function importFile(form, file) {
    var out = $('import-result');
    var n = ++seq;
    var q = new URLSearchParams();
    ['issuer_id', 'subject_id', 'reference_ids'].forEach(function (name) {
      var v = formValue(form, name);
      if (v) q.set(name, v);
    });
    show(out, loading('导入中', 'Importing'));
    file.arrayBuffer().then(function (buf) {
      return api('POST', '/certificates/dcc' + (q.toString() ? '?' + q.toString() : ''), {body: buf, contentType: 'application/xml'});
    }).then(function (res) {
      if (!current(n)) return;
      var cert = res.certificate || {};
      var banner = verdictBanner(true, T('已导入并上链锚定', 'Imported and anchored'),
        [idLink('certificates', cert.id), ' · ', h('span', {class: 'hash'}, res.dcc_sha256 || '')], {'data-certificate': cert.id || ''}, 'ok');
      var rows = dccTrustRows(res).map(function (r) {
        return h('tr', {'data-field': r[0]}, h('th', {}, T(r[1], r[2])), h('td', {}, r[3]));
      });
      var problems = res.problems || [];
      rows.push(h('tr', {'data-field': 'problems'}, h('th', {}, T('映射说明', 'mapping notes')),
        h('td', {}, problems.length ? h('ul', {class: 'problems'}, problems.map(function (p) {
          return h('li', {'data-code': p.code || ''}, h('span', {class: 'mono'}, p.path), ' ', h('span', {title: p.message}, sayNote(p)));
        })) : T('无', 'none'))));
      show(out, [banner, h('div', {class: 'panel'}, h('table', {class: 'fields'}, h('tbody', {}, rows))),
        h('div', {class: 'panel'}, h('h2', {}, T('映射得到的证书', 'Certificate as mapped')), fieldsTable(cert, ['doc_type']))]);
    }).catch(function (e) { if (current(n)) show(out, errorBox(e)); });
  }

  function verifyFile(file) {
    var out = $('verify-result');
    var n = ++seq;
    show(out, loading('验真中', 'Verifying'));
    var isXML = /\.xml$/i.test(file.name) || /xml/.test(file.type || '');
    file.arrayBuffer().then(function (buf) {
      return api('POST', '/verify', {body: buf, contentType: isXML ? 'application/xml' : 'application/octet-stream', auth: false});
    }).then(function (res) {
      if (!current(n)) return;
      var verdict = verdictOf(res), cert = res.certificate;
      var status = res.status || (verdict === 'anchored' ? 'valid' : verdict.replace('-', '_'));
      var look = VERIFY_STATUS[status] || [status, status, verdict === 'anchored' ? 'ok' : 'bad'];
      var sub = [h('span', {class: 'mono'}, file.name), ' · ', String(file.size), ' bytes'];
      if (res.checked_on) sub.push(T(' · 判定日期（网关今天） ', ' · judged on (the gateway\'s today) '), h('b', {}, res.checked_on));
      var banner = verdictBanner(look[2] === 'ok', T(look[0], look[1]), sub,
        {'data-verdict': verdict, 'data-status': status}, look[2]);
      var row = function (field, zh, en, value) {
        return h('tr', {'data-field': field}, h('th', {}, T(zh, en)), h('td', {}, value));
      };
      var rows = [];
      if (res.message) rows.push(row('message', '结论', 'outcome', res.message));
      rows.push(row('status', '状态', 'status', badge(valueLabel('status', status), status === 'valid' ? 'ok' : (look[2] === 'warn' ? 'warn' : 'bad'))));
      if (res.status_reason) rows.push(row('status_reason', '原因', 'reason', res.status_reason));
      rows.push(row('sha256', '文件 SHA-256', 'file hash', h('span', {class: 'hash'}, res.sha256 || '—')));
      if (res.issuer) {
        rows.push(row('issuer', '出具机构', 'issuer', [idLink('institutions', res.issuer.id), ' ', res.issuer.name || '',
          res.issuer.region ? ' · ' + res.issuer.region : '']));
      }
      if (res.tx_id) rows.push(row('tx_id', '锚定交易', 'anchored in', [h('span', {class: 'hash'}, res.tx_id), res.anchored_at ? ' · ' + fmtTime(res.anchored_at) : '']));
      if (res.traceable_today === true || res.traceable_today === false) {
        rows.push(row('traceable_today', '今日可溯源', 'traceable today', [
          res.traceable_today ? badge(T('✓ 可溯源', '✓ traceable'), 'ok') : badge(T('✗ 不可溯源', '✗ not traceable'), 'bad'), ' ',
          cert ? h('a', {href: '#/trace/' + enc(cert.subject_id)}, T('查看溯源链 →', 'view the chain →')) : null]));
      }
      if (res.trace_problems && res.trace_problems.length) {
        rows.push(row('trace_problems', '溯源问题', 'trace problems', h('ul', {class: 'problems'}, res.trace_problems.map(function (p) { return h('li', {}, h('span', {}, problemText(p))); }))));
      }
      dccTrustRows(res).forEach(function (r) { rows.push(row(r[0], r[1], r[2], r[3])); });
      var parts = [banner, h('div', {class: 'panel'}, h('table', {class: 'fields'}, h('tbody', {}, rows)))];
      if (cert) {
        parts.push(h('div', {class: 'panel', 'data-certificate': cert.id},
          h('h2', {}, bi(verdict === 'altered' ? '文件所称证书' : '锚定证书', verdict === 'altered' ? 'Certificate the file names' : 'Anchoring certificate'), ' ', idLink('certificates', cert.id)),
          fieldsTable(cert, ['id', 'doc_type'])));
      }
      show(out, parts);
    }).catch(function (e) { if (current(n)) show(out, errorBox(e)); });
  }

  // ---- wiring ------------------------------------------------------------------------------

  function formValue(form, name) { return (form.elements[name].value || '').trim(); }

  $('search-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    go('#/search?q=' + enc(formValue(this, 'q')));
  });
  $('home-search').addEventListener('submit', function (ev) {
    ev.preventDefault();
    go('#/search?q=' + enc(formValue(this, 'q')));
  });
  $('trace-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var at = formValue(this, 'at');
    go('#/trace/' + enc(formValue(this, 'subject')) + (at ? '?at=' + enc(at) : ''));
  });
  $('impact-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    go('#/impact/' + enc(formValue(this, 'standard')) + '?since=' + enc(formValue(this, 'since')));
  });
  $('recognition-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var at = formValue(this, 'at');
    go('#/recognition?certificate=' + enc(formValue(this, 'certificate')) + '&by=' + enc(formValue(this, 'by')) + (at ? '&at=' + enc(at) : ''));
  });
  $('import-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = $('import-file').files[0];
    if (f) importFile(this, f);
  });
  $('verify-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = $('verify-file').files[0];
    if (f) verifyFile(f);
  });
  var drop = $('verify-drop');
  ['dragenter', 'dragover'].forEach(function (t) { drop.addEventListener(t, function (ev) { ev.preventDefault(); drop.classList.add('dragging'); }); });
  ['dragleave', 'drop'].forEach(function (t) { drop.addEventListener(t, function () { drop.classList.remove('dragging'); }); });
  drop.addEventListener('drop', function (ev) {
    ev.preventDefault();
    var f = ev.dataTransfer && ev.dataTransfer.files[0];
    if (f) verifyFile(f);
  });

  $('lang-button').addEventListener('click', function () {
    setLang(LANG === 'en' ? 'zh' : 'en');
    institutionsLoaded = false;
    renderTokenButton();
    render();
  });
  $('token-button').addEventListener('click', function () { openTokenDialog(); });
  $('token-input').addEventListener('input', function () {
    $('token-claims').textContent = describeClaims(claimsOf(this.value.trim()));
  });
  $('token-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    // Accept a pasted "Bearer xxx" or a whole "Authorization: Bearer xxx" line.
    var t = $('token-input').value.trim().replace(/^(authorization:\s*)?bearer\s+/i, '');
    var claims = $('token-claims');
    claims.className = 'claims';
    claims.removeAttribute('data-state');
    claims.textContent = T('核验中…', 'Checking…');
    checkToken(t).then(function () {
      setToken(t);
      closeTokenDialog();
      render();
    }).catch(function (why) {
      claims.className = 'claims bad';
      claims.setAttribute('data-state', 'bad');
      claims.textContent = '✗ ' + why;
    });
  });
  $('token-cancel').addEventListener('click', closeTokenDialog);
  $('token-clear').addEventListener('click', function () {
    setToken('');
    $('token-input').value = '';
    $('token-claims').textContent = '';
  });

  // MT is what pages.js and supervision.js build on: the helpers above,
  // the views (they add theirs) and the hooks the views here call.
  Object.assign(MT, {h: h, $: $, api: api, apiFile: apiFile, fileButton: fileButton, T: T, lang: function () { return LANG; },
    vocab: function () { return VOCAB; }, plural: PLURAL, bi: bi, badge: badge, idLink: idLink, recordHref: recordHref,
    errorBox: errorBox, loading: loading, show: show, clear: clear, enc: enc, fmtTime: fmtTime, checkLabel: checkLabel,
    checkList: checkList, valueLabel: valueLabel, fieldLabel: fieldLabel, levelLabel: levelLabel, kindLabel: kindLabel,
    renderValue: renderValue, fieldsTable: fieldsTable, verdictBanner: verdictBanner, claimsOf: claimsOf, getToken: getToken,
    current: current, go: go, render: render, mayCreate: mayCreate, ApiError: ApiError, VIEWS: VIEWS, VALUE_LABEL: VALUE_LABEL,
    FIELD_LABEL: FIELD_LABEL, VALUE_LABEL_EN: VALUE_LABEL_EN, VALUE_LABEL_EN_OF: VALUE_LABEL_EN_OF, sayDetail: sayDetail,
    sayError: sayError, fieldName: fieldName, errorLabel: errorLabel, roleLabel: roleLabel});
  // The helpers other scripts of the console (forms.js) build on.
  window.metrotrace = {
    h: h, $: $, show: show, clear: clear, append: append, bi: bi, badge: badge, loading: loading, enc: enc,
    T: T, lang: function () { return LANG; }, api: api, ApiError: ApiError, errorBox: errorBox, idLink: idLink,
    recordHref: recordHref, fieldLabel: fieldLabel, valueLabel: valueLabel, levelLabel: levelLabel, kindLabel: kindLabel,
    LEVEL_LABEL: LEVEL_LABEL, VALUE_LABEL: VALUE_LABEL, sayDetail: sayDetail, sayError: sayError, fieldName: fieldName,
    errorLabel: errorLabel, claims: function () { return claimsOf(getToken()); },
    vocab: function () { return VOCAB; }, mayCreate: mayCreate, go: go, current: current, today: today,
    verdictBanner: verdictBanner, views: VIEWS, renderHooks: RENDER_HOOKS, recordHooks: RECORD_HOOKS
  };

  if (!$('impact-since').value) $('impact-since').placeholder = today();
  applyLang();
  renderTokenButton();
  // The kinds and roles come from the server, so the console spells them
  // as the contract does.
  fetch(API + '/vocabulary').then(function (res) {
    if (!res.ok) throw new Error('vocabulary: HTTP ' + res.status);
    return res.json();
  }).then(function (v) {
    VOCAB = v;
    v.kinds.forEach(function (k) { PLURAL[k.doc_type] = k.plural; });
  }).catch(function (e) {
    document.body.setAttribute('data-vocabulary-error', String(e && e.message || e));
  }).then(function () {
    window.addEventListener('hashchange', render);
    render();
  });
}());
